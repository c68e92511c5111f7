"""The pager's timers, mixed into `engine.paging.Pager`: what time alone does to an open
incident (escalation steps falling due, reminders, acknowledgements timing out, silences
starting and ending), only ever as timeline entries written by a store job, and when it next
will (for `due_timers.DueIndex`). The observer in `engine.paging` sends what they call for."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

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
from onwatch.incidents.escalation import due_steps, next_due_at, record_step
from onwatch.incidents.reminders import (
    ack_expired,
    next_renotify_at,
    renotify_due,
    unacknowledge,
)
from onwatch.incidents.silences import Silence, apply_silences
from onwatch.incidents.timefmt import format_duration
from onwatch.store import Transaction

NOTIFYING_KINDS = frozenset({EntryKind.PAGED, EntryKind.ESCALATED})
"""Entries that announce the incident to a step's channels (a reminder counts on its own)."""


def with_entry(incident: Incident, entry: TimelineEntry) -> Incident:
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


class PagerTimers:
    """Needs the pager's `settings`, `silences`, `policy` and `due` index."""

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
                updated = with_entry(updated, entry)
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


def _event_of(kind: EntryKind | str) -> Event:
    try:
        return Event(kind)
    except ValueError:
        return Event.UPDATED
