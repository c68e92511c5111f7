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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from onwatch.incidents import lifecycle
from onwatch.incidents.errors import InvalidInput, TransitionError
from onwatch.incidents.model import (
    EPISODE_KINDS,
    SYSTEM_ACTOR,
    EntryKind,
    Incident,
    Mark,
    State,
    TimelineEntry,
)
from onwatch.incidents.silences import check_matchers, glob_match
from onwatch.incidents.timefmt import format_duration, require_aware

MATCH_KEYS = frozenset({"severity", "source", "check", "metric", "category", "priority"})
"""What a policy's `match` may name; values are shell-style globs."""


@dataclass(frozen=True, slots=True)
class Step:
    """Notify `notify` (channel names) once `after` has passed in the episode."""

    after: timedelta
    notify: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.after < timedelta(0):
            raise InvalidInput("a step's `after` cannot be negative")
        names = (self.notify,) if isinstance(self.notify, str) else tuple(self.notify)
        if any(not isinstance(n, str) or not n.strip() for n in names):
            raise InvalidInput("a step notifies channels by their names")
        # A channel named twice in a step would be paged twice for one event.
        object.__setattr__(self, "notify", tuple(dict.fromkeys(n.strip() for n in names)))


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """Which incidents (`match`, globs; empty matches all) escalate through which `steps`."""

    name: str
    match: Mapping[str, str]
    steps: tuple[Step, ...]
    repeat: int = 0

    def __post_init__(self) -> None:
        what = f"escalation policy {self.name!r}"
        object.__setattr__(self, "match", check_matchers(self.match, MATCH_KEYS, what=what))
        steps = tuple(self.steps)
        object.__setattr__(self, "steps", steps)
        if not steps:
            raise InvalidInput(f"{what} needs at least one step")
        for earlier, later in pairwise(steps):
            if later.after <= earlier.after:
                raise InvalidInput(
                    f"{what}: steps must be in order of `after`, each later than the one before"
                )
        if self.repeat < 0:
            raise InvalidInput(f"{what}: repeat cannot be negative")
        if self.repeat and self.period <= timedelta(0):
            raise InvalidInput(
                f"{what}: a single step at 0 has nothing to repeat after; "
                "give it an `after`, or use renotify"
            )

    @property
    def period(self) -> timedelta:
        """How long one pass of the chain lasts before a repeat starts (see the module doc)."""
        last = self.steps[-1].after
        if len(self.steps) == 1:
            return last
        return last + (self.steps[1].after - self.steps[0].after)

    @property
    def levels(self) -> int:
        """How many steps the timers fire in one episode, repeats included."""
        return len(self.steps) * (self.repeat + 1)

    def offset(self, level: int) -> timedelta:
        """How far into the (unpaused) episode the step for `level` is due.

        Beyond the timed chain the same arithmetic goes on, as if it repeated forever; only a
        manual escalate reaches those levels.
        """
        cycle, index = divmod(level, len(self.steps))
        return self.period * cycle + self.steps[index].after

    def matches(self, incident: Incident) -> bool:
        return glob_match(self.match, incident)


@dataclass(frozen=True, slots=True)
class DueStep:
    """One step to fire: notify `step.notify`, and move the incident to `level`.

    `at` is when it became due (for a manual step: when its timer would have fired); `index`
    is the step's place in the chain (0-based), `cycle` the pass through it (0 is the first,
    1 the first repeat) and `of` the number of steps in the chain.
    """

    level: int
    step: Step
    at: datetime
    index: int = 0
    cycle: int = 0
    of: int = 1

    @property
    def label(self) -> str:
        """`step 2/3`, or `step 1/3, repeat 1`: how a timeline or a message names it."""
        text = f"step {self.index + 1}/{self.of}"
        return f"{text}, repeat {self.cycle}" if self.cycle else text


# --- policies ---------------------------------------------------------------------------------


def default_policy(channels: Iterable[str]) -> EscalationPolicy:
    """When no configured policy matches: every channel, at once, no escalation."""
    return EscalationPolicy("default", {}, (Step(timedelta(0), tuple(channels)),))


def policy_for(incident: Incident, policies: Iterable[EscalationPolicy]) -> EscalationPolicy | None:
    """The first policy that matches (config order), or None."""
    for policy in policies:
        if policy.matches(incident):
            return policy
    return None


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


def record_step(
    incident: Incident, due: DueStep, *, at: datetime, by: str = SYSTEM_ACTOR, note: str = ""
) -> Incident:
    """Write a fired step on the timeline: "paged" for the first page, else an escalate.

    Raises TransitionError if `due` is not the incident's next step (it fired already, or the
    incident moved on), so a step is never recorded twice.
    """
    text = note or f"{due.label}: {', '.join(due.step.notify) or 'no channels'}"
    if due.level == 0:
        if not incident.state.is_active:
            raise TransitionError(incident.id, "page", incident.state)
        if incident.escalation_level != 0 or was_paged(incident):
            raise TransitionError(
                incident.id, "page", incident.state, "the first page already went out"
            )
        return _with_entry(incident, TimelineEntry(require_aware(at), EntryKind.PAGED, by, text))
    if due.level != incident.escalation_level + 1:
        raise TransitionError(
            incident.id,
            "escalate",
            incident.state,
            f"it is at level {incident.escalation_level}, not {due.level - 1}",
        )
    return lifecycle.escalate(incident, by=by, at=at, note=text)


def _with_entry(incident: Incident, entry: TimelineEntry) -> Incident:
    return dataclasses.replace(incident, timeline=(*incident.timeline, entry))


# --- renotify and acknowledgement timeout -----------------------------------------------------


def next_renotify_at(
    *, last_notified_at: datetime, times_renotified: int, every: timedelta, backoff: float = 1.0
) -> datetime | None:
    """When the next reminder is due: `every * backoff ** times_renotified` after the last one.

    None when that lies beyond any representable date (a long backoff has run away).
    """
    if every <= timedelta(0):
        raise InvalidInput("renotify needs a positive interval")
    if backoff < 1.0:
        raise InvalidInput("renotify backoff must be at least 1.0")
    if times_renotified < 0:
        raise InvalidInput("times_renotified cannot be negative")
    try:
        return last_notified_at + every * (backoff**times_renotified)
    except OverflowError:
        return None


def renotify_due(
    incident: Incident,
    *,
    last_notified_at: datetime | None,
    times_renotified: int,
    every: timedelta,
    backoff: float = 1.0,
    now: datetime,
) -> bool:
    """Whether a still-unacknowledged incident should be announced again.

    Intervals run every, every*backoff, every*backoff^2... Only triggered, unsilenced incidents
    that have been notified at least once (`last_notified_at`) are reminded.
    """
    require_aware(now)
    if last_notified_at is None:
        return False
    due_at = next_renotify_at(
        last_notified_at=last_notified_at,
        times_renotified=times_renotified,
        every=every,
        backoff=backoff,
    )
    if incident.state is not State.TRIGGERED or incident.has(Mark.SILENCED):
        return False
    return due_at is not None and due_at <= now


def ack_expired(incident: Incident, *, ack_timeout: timedelta, now: datetime) -> bool:
    """An acknowledgement older than `ack_timeout` on an incident still not resolved."""
    require_aware(now)
    if ack_timeout <= timedelta(0):
        raise InvalidInput("ack_timeout must be positive")
    return (
        incident.state is State.ACKNOWLEDGED
        and incident.acknowledged_at is not None
        and incident.acknowledged_at + ack_timeout <= now
    )


def unacknowledge(
    incident: Incident, *, at: datetime, by: str = SYSTEM_ACTOR, note: str = ""
) -> Incident:
    """Acknowledged -> triggered: a new episode, so the chain pages again from its first step.

    Raises TransitionError unless the incident is acknowledged.
    """
    if incident.state is not State.ACKNOWLEDGED:
        raise TransitionError(incident.id, "unacknowledge", incident.state)
    require_aware(at)
    if note:
        text = note
    elif incident.acknowledged_at is not None:
        waited = format_duration(at - incident.acknowledged_at)
        text = f"acknowledged {waited} ago and still not resolved"
    else:
        text = "acknowledgement timed out"
    return dataclasses.replace(
        _with_entry(incident, TimelineEntry(at, EntryKind.UNACKNOWLEDGED, by, text)),
        state=State.TRIGGERED,
        acknowledged_at=None,
        escalation_level=0,
    )
