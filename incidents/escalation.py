"""Escalation policies and the timers around an unacknowledged incident. Pure: `now` is a parameter.

A policy is a chain of steps, each naming the channels to notify `after` a delay:

    steps = [0m: oncall, 15m: teamLead, 30m: ITSupport]

Timing is measured from the start of the incident's current *episode*: its most recent trigger,
the last timeline entry of kind "opened", "reopened" or "unacknowledged". Time spent silenced
does not count: a silence pauses the chain, so a maintenance window does not end with every step
firing at once.

The incident's `escalation_level` says how far the chain has gone in this episode: level L means
the steps up to level L have fired. Step 0 is the first page; sending it is recorded by a "paged"
timeline entry and leaves the level at 0. Each later step raises the level by one (an
"escalated" entry, via `lifecycle.escalate`). An operator's manual escalate raises the level
too, so the timed step for that level never fires again.

With `repeat = R` the chain starts over after its last step, R more times, and the level keeps
counting: level L is step `L % n` of cycle `L // n` (n steps). A cycle lasts `period`: the last
step's `after` plus the spacing of the first two steps (for a single step: its own `after`).
Cycle c's step k is due `c * period + steps[k].after` into the episode. So `[0m, 15m, 30m]`
with repeat 1 fires at 0, 15, 30, then 45, 60, 75 minutes.

Only a triggered, unsilenced incident escalates: acknowledging stops the timers, resolving or
closing ends them. `ack_timeout` brings an acknowledged incident back (`unacknowledge`), which
starts a new episode at level 0, so the chain pages again from its first step.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from onwatch.incidents import lifecycle
from onwatch.incidents.errors import TransitionError
from onwatch.incidents.matching import MATCH_KEYS
from onwatch.incidents.model import (
    EPISODE_KINDS,
    SYSTEM_ACTOR,
    EntryKind,
    Incident,
    Mark,
    State,
    TimelineEntry,
)
from onwatch.incidents.policy import (
    DueStep,
    EscalationPolicy,
    Step,
    default_policy,
    policy_for,
)
from onwatch.incidents.timefmt import require_aware

# Policies were first defined here; the config and older callers still import them so.
__all__ = [
    "MATCH_KEYS",
    "DueStep",
    "EscalationPolicy",
    "Step",
    "default_policy",
    "due_steps",
    "episode_start",
    "next_due_at",
    "next_manual_step",
    "policy_for",
    "record_step",
    "step_at",
    "was_paged",
    "with_entry",
]


# --- the episode ------------------------------------------------------------------------------


def episode_start(incident: Incident) -> tuple[int, datetime]:
    """(timeline index, time) of the current episode's trigger.

    An incident whose timeline lacks a trigger entry (recorded before these kinds existed) is
    taken to have started at its creation.
    """
    for position in range(len(incident.timeline) - 1, -1, -1):
        entry = incident.timeline[position]
        if entry.kind in EPISODE_KINDS:
            return position, entry.at
    return -1, incident.created_at


def was_paged(incident: Incident) -> bool:
    """Whether the first step was sent in the current episode."""
    position, _ = episode_start(incident)
    return any(e.kind == EntryKind.PAGED for e in incident.timeline[position + 1 :])


def _pauses(incident: Incident, start: datetime) -> list[tuple[datetime, datetime | None]]:
    """Silenced stretches overlapping the episode, clipped to its start (the last may be open)."""
    stretches: list[tuple[datetime, datetime | None]] = []
    muted_since: datetime | None = None
    for entry in incident.timeline:
        if entry.kind == EntryKind.SILENCED and muted_since is None:
            muted_since = entry.at
        elif entry.kind == EntryKind.UNSILENCED and muted_since is not None:
            stretches.append((muted_since, entry.at))
            muted_since = None
    if muted_since is not None:
        stretches.append((muted_since, None))
    return [(max(begin, start), end) for begin, end in stretches if end is None or end > start]


def _wall_time(
    start: datetime, offset: timedelta, pauses: list[tuple[datetime, datetime | None]]
) -> datetime | None:
    """When `offset` of unpaused time has passed since `start` (None: inside an open pause)."""
    clock, remaining = start, offset
    for begin, end in pauses:
        if clock + remaining < begin:
            break
        remaining -= max(begin - clock, timedelta(0))
        if end is None:
            return None
        clock = max(clock, end)
    return clock + remaining


def step_at(policy: EscalationPolicy, level: int, at: datetime) -> DueStep:
    """The step that takes an incident to `level` (the chain repeats past its end)."""
    return _due_step(policy, level, at)


def _due_step(policy: EscalationPolicy, level: int, at: datetime) -> DueStep:
    cycle, index = divmod(level, len(policy.steps))
    return DueStep(level, policy.steps[index], at, index, cycle, len(policy.steps))


def due_steps(incident: Incident, policy: EscalationPolicy, now: datetime) -> list[DueStep]:
    """Every step whose time has come and has not fired yet, in order.

    Nothing is due unless the incident is triggered and not silenced. Fold the result into the
    incident one step at a time with `record_step`.
    """
    require_aware(now)
    if incident.state is not State.TRIGGERED or incident.has(Mark.SILENCED):
        return []
    _, start = episode_start(incident)
    pauses = _pauses(incident, start)
    first = incident.escalation_level + 1
    if incident.escalation_level == 0 and not was_paged(incident):
        first = 0
    due: list[DueStep] = []
    for level in range(first, policy.levels):
        at = _wall_time(start, policy.offset(level), pauses)
        # Offsets only grow with the level, so the first step not yet due ends the search.
        if at is None or at > now:
            break
        due.append(_due_step(policy, level, at))
    return due


def next_due_at(incident: Incident, policy: EscalationPolicy) -> datetime | None:
    """When the next timed step falls due (to schedule a wake-up), or None if none will."""
    if incident.state is not State.TRIGGERED or incident.has(Mark.SILENCED):
        return None
    _, start = episode_start(incident)
    level = incident.escalation_level + 1
    if incident.escalation_level == 0 and not was_paged(incident):
        level = 0
    if level >= policy.levels:
        return None
    return _wall_time(start, policy.offset(level), _pauses(incident, start))


def next_manual_step(incident: Incident, policy: EscalationPolicy) -> DueStep:
    """The step the operator's `e` fires at once: the first page if it has not gone out in this
    episode, otherwise the step for the next level.

    Past the end of the timed chain (repeats included) it goes on round the chain, so `e` always
    tells somebody. `at` is when that step's timer would have fired.
    """
    _, start = episode_start(incident)
    level = incident.escalation_level + 1
    if incident.escalation_level == 0 and not was_paged(incident):
        level = 0
    nominal = start + policy.offset(level)
    at = _wall_time(start, policy.offset(level), _pauses(incident, start)) or nominal
    return _due_step(policy, level, at)


NOBODY = "nobody notified: no channels configured"


def step_note(due: DueStep) -> str:
    """What a fired step says on the timeline: whom it names, or that it told nobody, and why
    (a bare "step 1/1" would read as if someone had been paged)."""
    if not due.step.notify:
        return f"{due.label}: {NOBODY}"
    return f"{due.label}: {', '.join(due.step.notify)}"


def record_step(
    incident: Incident, due: DueStep, *, at: datetime, by: str = SYSTEM_ACTOR, note: str = ""
) -> Incident:
    """Write a fired step on the timeline: "paged" for the first page, else an escalate.

    Raises TransitionError if `due` is not the incident's next step (it fired already, or the
    incident moved on), so a step is never recorded twice.
    """
    text = note or step_note(due)
    if due.level == 0:
        if not incident.state.is_active:
            raise TransitionError(incident.id, "page", incident.state)
        if incident.escalation_level != 0 or was_paged(incident):
            raise TransitionError(
                incident.id, "page", incident.state, "the first page already went out"
            )
        return with_entry(incident, TimelineEntry(require_aware(at), EntryKind.PAGED, by, text))
    if due.level != incident.escalation_level + 1:
        raise TransitionError(
            incident.id,
            "escalate",
            incident.state,
            f"it is at level {incident.escalation_level}, not {due.level - 1}",
        )
    return lifecycle.escalate(incident, by=by, at=at, note=text)


def with_entry(incident: Incident, entry: TimelineEntry) -> Incident:
    return dataclasses.replace(incident, timeline=(*incident.timeline, entry))
