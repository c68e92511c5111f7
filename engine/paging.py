"""Who is told, and when: escalation timers, reminders, acknowledgement timeouts, silences.

Two halves, so that every path to a notification is the same:

- Timers (`timers_job`) only write the timeline: a "paged" or "escalated" entry when a step
  of the escalation policy falls due, "renotified" for a reminder, "unacknowledged" when an
  acknowledgement timed out, "silenced"/"unsilenced" as silences start and end. They run as a
  store job, so the conditions are checked again against the current file under the lock.
- The observer (`observe`) reads new timeline entries, whoever wrote them (these timers, an
  operator's `e` in the console, `onwatch incidents escalate` from a shell), and hands the
  notifications to the dispatcher. Delivery outcomes come back and are written on the timeline.

Decisions themselves are pure functions in `incidents.escalation` and `incidents.silences`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from onwatch.engine.due_timers import DueIndex
from onwatch.engine.own_health import failing_channel
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import (
    EPISODE_KINDS,
    SYSTEM_ACTOR,
    Change,
    EntryKind,
    Event,
    Incident,
    Mark,
    State,
    TimelineEntry,
)
from onwatch.incidents.escalation import due_steps, next_due_at, record_step, step_at
from onwatch.incidents.people import Role
from onwatch.incidents.policy import EscalationPolicy, default_policy, policy_for
from onwatch.incidents.reminders import (
    ack_expired,
    next_renotify_at,
    renotify_due,
    unacknowledge,
)
from onwatch.incidents.silences import Silence, apply_silences
from onwatch.incidents.timefmt import format_duration
from onwatch.notify.channels import Channel
from onwatch.notify.messages import Kind, kind_for_step
from onwatch.store import Transaction

log = logging.getLogger("onwatch.engine")

NOTIFYING_KINDS = frozenset({EntryKind.PAGED, EntryKind.ESCALATED})
"""Entries that announce the incident to a step's channels (a reminder counts on its own)."""

Submit = Callable[..., None]

HANDED_OVER_TO = "handed over to "
"""How `people.hand_over` begins its timeline note; the role's name follows."""


def role_addresses(roles: Iterable[Role]) -> dict[str, Channel]:
    """The apprise URLs roles name directly, as channels keyed (and shown on the timeline) by
    the role's name, so a delivery outcome never repeats an address: "notified it_support"."""
    found: dict[str, Channel] = {}
    for role in roles:
        urls = [target for target in role.notify if "://" in target]
        for number, url in enumerate(urls, start=1):
            key = role.name if len(urls) == 1 else f"{role.name} ({number})"
            found[key] = Channel(key, url)
    return found


def role_targets(roles: Iterable[Role]) -> dict[str, tuple[str, ...]]:
    """Role name -> the sender keys it stands for: its channels and its own addresses."""
    targets: dict[str, tuple[str, ...]] = {}
    for role in roles:
        keys: list[str] = []
        urls = [target for target in role.notify if "://" in target]
        for target in role.notify:
            if "://" not in target:
                keys.append(target)
            else:
                number = urls.index(target) + 1
                keys.append(role.name if len(urls) == 1 else f"{role.name} ({number})")
        targets[role.name] = tuple(keys)
    return targets


def _reporter_url(incident: Incident) -> str | None:
    # A reporter given as a plain name is somebody to thank, not an address to send to.
    reporter = incident.reporter
    return reporter if reporter and "://" in reporter else None


def _with_entry(incident: Incident, entry: TimelineEntry) -> Incident:
    return dataclasses.replace(incident, timeline=(*incident.timeline, entry))


def last_notified(incident: Incident) -> tuple[datetime | None, int]:
    """When the incident was last announced in this episode, and how many reminders since the
    last step: the inputs of `renotify_due`, read from the timeline so they survive restarts."""
    at: datetime | None = None
    reminders = 0
    for entry in incident.timeline:
        if entry.kind in EPISODE_KINDS:
            at, reminders = None, 0
        elif entry.kind in NOTIFYING_KINDS:
            at, reminders = entry.at, 0
        elif entry.kind == EntryKind.RENOTIFIED:
            at, reminders = entry.at, reminders + 1
    return at, reminders


class Pager:
    def __init__(self, settings: NotifySettings) -> None:
        self._silences: list[Silence] = []
        self.due = DueIndex(self.next_due, lambda i, now: self._advance(i, now) is not i)
        """The open incidents by when time alone next changes them (see `due_timers`)."""
        self._seen: dict[int, int] = {}
        self._outcomes: list[tuple[int, str]] = []
        self.reconfigure(settings)

    def reconfigure(self, settings: NotifySettings) -> None:
        """New policies, channels and roles (a config reload); what was already told stays
        told, so a reload never repeats a notification."""
        self.settings = settings
        self.due.invalidate()
        self._fallback = default_policy(c.name for c in settings.channels)
        self._roles = role_targets(settings.roles)
        self._keys = tuple(
            dict.fromkeys(
                [c.name for c in settings.channels] + list(role_addresses(settings.roles))
            )
        )

    @property
    def silences(self) -> list[Silence]:
        return self._silences

    @silences.setter
    def silences(self, silences: list[Silence]) -> None:
        self._silences = silences
        self.due.invalidate()

    def policy(self, incident: Incident) -> EscalationPolicy:
        return policy_for(incident, self.settings.policies) or self._fallback

    def expand(self, names: Iterable[str]) -> tuple[str, ...]:
        """Step names as sender keys: a role stands for its channels and addresses."""
        keys = (key for name in names for key in self._roles.get(name, (name,)))
        return tuple(dict.fromkeys(keys))

    def _handed_to(self, entry: TimelineEntry) -> str | None:
        # Longest first, so a role named "it" never claims a hand-over to "it_support".
        for role in sorted(self._roles, key=len, reverse=True):
            head = HANDED_OVER_TO + role
            if entry.note == head or entry.note.startswith(head + ": "):
                return role
        return None

    def _routed(self, incident: Incident, submit: Submit) -> Submit:
        failing = failing_channel(incident)
        if failing is None:
            return submit
        every = self._keys

        def routed(incident: Incident, kind: object, channels: tuple[str, ...], **kw) -> None:
            submit(incident, kind, _avoiding(failing, tuple(channels), every), **kw)

        return routed

    # --- timers ----------------------------------------------------------------------------------

    def _advance(self, incident: Incident, now: datetime) -> Incident:
        """Everything time alone does to one incident, as timeline entries."""
        settings = self.settings
        updated = apply_silences(incident, self.silences, settings.maintenance, now=now)
        if settings.ack_timeout is not None and ack_expired(
            updated, ack_timeout=settings.ack_timeout, now=now
        ):
            updated = unacknowledge(updated, at=now)
        policy = self.policy(updated)
        for due in due_steps(updated, policy, now):
            updated = record_step(updated, due, at=now)
        if settings.renotify is not None:
            at, reminders = last_notified(updated)
            if renotify_due(
                updated,
                last_notified_at=at,
                times_renotified=reminders,
                every=settings.renotify,
                backoff=settings.renotify_backoff,
                now=now,
            ):
                waited = format_duration(now - (at or now))
                entry = TimelineEntry(
                    now,
                    EntryKind.RENOTIFIED,
                    SYSTEM_ACTOR,
                    f"still unacknowledged ({waited} since last notice)",
                )
                updated = _with_entry(updated, entry)
        return updated

    def is_due(self, incidents: Iterable[Incident], now: datetime) -> bool:
        """A look at the in-memory incidents: is there anything for `timers_job` to write?"""
        return any(
            self._advance(incident, now) is not incident
            for incident in incidents
            if incident.state.is_active
        )

    def next_due(self, incident: Incident, now: datetime) -> datetime | None:
        """The earliest moment `_advance` may change the incident (None: never while it stays
        as it is). Never later than the real moment; it may be earlier (then `now`, for what
        cannot be foreseen, such as recurring maintenance windows)."""
        if not incident.state.is_active:
            return None
        settings = self.settings
        moments: list[datetime] = []
        silenced = incident.has(Mark.SILENCED)
        if any(window.matches(incident) for window in settings.maintenance):
            moments.append(now)
        else:
            muting = [s for s in self._silences if s.matches(incident)]
            if silenced:
                moments.append(_unmuted_from(muting, now))
            else:
                moments += [s.starts_at for s in muting if s.effective_end > now]
        if (
            settings.ack_timeout is not None
            and incident.state is State.ACKNOWLEDGED
            and incident.acknowledged_at is not None
        ):
            moments.append(incident.acknowledged_at + settings.ack_timeout)
        step = next_due_at(incident, self.policy(incident))
        if step is not None:
            moments.append(step)
        if settings.renotify is not None and incident.state is State.TRIGGERED and not silenced:
            at, reminders = last_notified(incident)
            if at is not None:
                reminder = next_renotify_at(
                    last_notified_at=at,
                    times_renotified=reminders,
                    every=settings.renotify,
                    backoff=settings.renotify_backoff,
                )
                if reminder is not None:
                    moments.append(reminder)
        return min(moments, default=None)

    def any_due(self, incidents: Mapping[int, Incident], now: datetime) -> bool:
        """`is_due` for the engine's own mapping of open incidents, through the index: the
        same answer, at the cost of the incidents whose moment has come."""
        return self.due.any_due(incidents, now)

    def timers_job(self, now: datetime) -> Callable[[Transaction], list[Change]]:
        def job(txn: Transaction) -> list[Change]:
            changes = []
            for incident in txn.unclosed():
                if not incident.state.is_active:
                    continue
                updated = self._advance(incident, now)
                if updated != incident:
                    txn.put(updated)
                    changes.append(Change(updated, _event_of(updated.timeline[-1].kind)))
            return changes

        return job

    # --- delivery outcomes -----------------------------------------------------------------------

    def record_outcome(self, incident_id: int, kind: str, text: str) -> None:
        self._outcomes.append((incident_id, text))

    def outcomes_job(self, now: datetime) -> Callable[[Transaction], list[Change]] | None:
        if not self._outcomes:
            return None
        pending, self._outcomes = self._outcomes, []

        def job(txn: Transaction) -> list[Change]:
            changed: dict[int, Incident] = {}
            for incident_id, text in pending:
                try:
                    incident = changed.get(incident_id) or txn.get(incident_id)
                except LookupError:
                    continue
                entry = TimelineEntry(now, EntryKind.NOTIFY, SYSTEM_ACTOR, text)
                changed[incident_id] = _with_entry(incident, entry)
            for incident in changed.values():
                txn.put(incident)
            return [Change(i, Event.NOTIFIED) for i in changed.values()]

        return job

    # --- the observer ----------------------------------------------------------------------------

    def already_told(self, incidents: Iterable[Incident]) -> None:
        """Incidents found at start: whatever their timelines say was handled by an earlier run."""
        for incident in incidents:
            self._seen[incident.id] = len(incident.timeline)

    def observe(self, incident: Incident, submit: Submit, now: datetime) -> None:
        """Send what the incident's new timeline entries call for."""
        start = self._seen.get(incident.id, 0)
        new = incident.timeline[start:]
        # Kept for closed incidents too: delivery outcomes are still written on their timelines,
        # and forgetting them would announce the close again with every outcome.
        self._seen[incident.id] = len(incident.timeline)
        if not new:
            return
        kinds = {entry.kind for entry in new}
        submit = self._routed(incident, submit)
        policy = self.policy(incident)
        level = incident.escalation_level
        expand = self.expand
        if EntryKind.PAGED in kinds and incident.state.is_active:
            due = step_at(policy, 0, now)
            submit(incident, kind_for_step(incident, due), expand(due.step.notify), due=due)
        if EntryKind.ESCALATED in kinds and incident.state.is_active:
            due = step_at(policy, level, now)
            submit(incident, kind_for_step(incident, due), expand(due.step.notify), due=due)
        elif EntryKind.RENOTIFIED in kinds and incident.state is State.TRIGGERED:
            due = step_at(policy, level, now)
            submit(incident, Kind.RENOTIFY, expand(due.step.notify), due=due)
        for entry in new:
            role = self._handed_to(entry) if entry.kind == EntryKind.HANDED_OVER else None
            if role is not None:
                submit(incident, Kind.HANDED_OVER, self._roles[role], desktop=False)
        everyone = expand(name for step in policy.steps for name in step.notify)
        if EntryKind.RESOLVED in kinds and incident.state is State.RESOLVED:
            submit(incident, Kind.RESOLVED, everyone)
        # A close or a reopen by a person ends or restarts the story for whoever reported it.
        ending = {EntryKind.CLOSED: State.CLOSED, EntryKind.REOPENED: State.TRIGGERED}
        for kind, state in ending.items():
            if kind in kinds and incident.state is state:
                submit(incident, Kind(kind.value), everyone, reporter=_reporter_url(incident))


def _unmuted_from(muting: list[Silence], now: datetime) -> datetime:
    """When a silenced incident stops being covered by `muting` (now, if it is not)."""
    moment = now
    extended = True
    while extended:
        extended = False
        for silence in muting:
            if silence.starts_at <= moment < silence.effective_end:
                moment = silence.effective_end
                extended = True
    return moment


def _avoiding(failing: str, keys: tuple[str, ...], every: tuple[str, ...]) -> tuple[str, ...]:
    """Where news of a failing channel goes: the step's other channels, else every other one;
    never only the channel that fails, which would tell nobody."""
    others = tuple(key for key in keys if key != failing)
    return others or tuple(key for key in every if key != failing)


def _event_of(kind: EntryKind | str) -> Event:
    try:
        return Event(kind)
    except ValueError:
        return Event.UPDATED
