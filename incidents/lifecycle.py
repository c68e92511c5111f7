"""Every change an incident can go through, as pure functions returning a new incident.

triggered -> acknowledged -> resolved -> closed, plus escalate (while triggered or acknowledged),
note (any state), reopen (resolved or closed -> triggered) and a priority override (any state).
A forbidden transition raises `TransitionError` and changes nothing. Each change appends one
timeline entry; timestamps are passed in so the domain never reads a clock.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from onwatch.incidents.errors import InvalidInput, TransitionError
from onwatch.incidents.model import (
    SYSTEM_ACTOR,
    Category,
    EntryKind,
    Incident,
    Mark,
    Priority,
    Severity,
    State,
    TimelineEntry,
    fingerprint,
)
from onwatch.incidents.priority import derive_priority
from onwatch.incidents.timefmt import require_aware

MAX_NOTE_LENGTH = 4000


def open_incident(
    *,
    incident_id: int,
    source: str,
    check: str,
    metric: str,
    title: str,
    severity: Severity,
    category: Category,
    value: float | None,
    threshold: float | None,
    at: datetime,
    labels: tuple[tuple[str, str], ...] = (),
) -> Incident:
    require_aware(at)
    if incident_id < 1:
        raise InvalidInput(f"incident ids are positive integers, got {incident_id}")
    return Incident(
        id=incident_id,
        fingerprint=fingerprint(source, check, metric),
        title=title,
        source=source,
        check=check,
        metric=metric,
        value=value,
        threshold=threshold,
        severity=severity,
        priority=derive_priority(severity, category),
        category=category,
        state=State.TRIGGERED,
        escalation_level=0,
        count=1,
        created_at=at,
        last_seen_at=at,
        timeline=(TimelineEntry(at, EntryKind.OPENED, SYSTEM_ACTOR, title),),
        labels=labels,
    )


def append_entry(
    incident: Incident, at: datetime, kind: EntryKind, by: str, note: str = "", **changes
) -> Incident:
    require_aware(at)
    entry = TimelineEntry(at, kind, by, note)
    return dataclasses.replace(incident, timeline=(*incident.timeline, entry), **changes)


def check_note(note: str) -> str:
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"a note is at most {MAX_NOTE_LENGTH} characters, got {len(note)}")
    return note.strip()


def acknowledge(incident: Incident, *, by: str, at: datetime, note: str = "") -> Incident:
    if incident.state is not State.TRIGGERED:
        raise TransitionError(incident.id, "acknowledge", incident.state)
    return append_entry(
        incident,
        at,
        EntryKind.ACKNOWLEDGED,
        by,
        check_note(note),
        state=State.ACKNOWLEDGED,
        acknowledged_at=at,
    )


def escalate(incident: Incident, *, by: str, at: datetime, note: str = "") -> Incident:
    if not incident.state.is_active:
        raise TransitionError(incident.id, "escalate", incident.state)
    level = incident.escalation_level + 1
    return append_entry(
        incident,
        at,
        EntryKind.ESCALATED,
        by,
        check_note(note) or f"escalation level {level}",
        escalation_level=level,
    )


def resolve(incident: Incident, *, by: str, at: datetime, note: str = "") -> Incident:
    if not incident.state.is_active:
        raise TransitionError(incident.id, "resolve", incident.state)
    return append_entry(
        incident,
        at,
        EntryKind.RESOLVED,
        by,
        check_note(note),
        state=State.RESOLVED,
        resolved_at=at,
        marks=incident.marks - {Mark.FLAPPING},
    )


def close(incident: Incident, *, by: str, at: datetime, note: str = "") -> Incident:
    if incident.state is State.CLOSED:
        raise TransitionError(incident.id, "close", incident.state)
    return append_entry(
        incident,
        at,
        EntryKind.CLOSED,
        by,
        check_note(note),
        state=State.CLOSED,
        closed_at=at,
        resolved_at=incident.resolved_at or at,
    )


def reopen(incident: Incident, *, by: str, at: datetime, note: str = "") -> Incident:
    """Back to triggered: a new episode, so acknowledgement and escalation start again."""
    if incident.state not in (State.RESOLVED, State.CLOSED):
        raise TransitionError(incident.id, "reopen", incident.state)
    return append_entry(
        incident,
        at,
        EntryKind.REOPENED,
        by,
        check_note(note),
        state=State.TRIGGERED,
        acknowledged_at=None,
        resolved_at=None,
        closed_at=None,
        escalation_level=0,
    )


def add_note(incident: Incident, *, by: str, at: datetime, note: str) -> Incident:
    text = check_note(note)
    if not text:
        raise InvalidInput("a note needs some text")
    return append_entry(incident, at, EntryKind.NOTE, by, text)


def set_priority(
    incident: Incident, priority: Priority | str, *, by: str, at: datetime, note: str = ""
) -> Incident:
    try:
        new = Priority(str(priority).upper())
    except ValueError:
        raise InvalidInput(f"priority must be one of P1..P5, got {priority!r}") from None
    if new is incident.priority:
        raise TransitionError(incident.id, "reprioritise", incident.state, f"it is already {new}")
    text = check_note(note) or f"{incident.priority} -> {new}"
    return append_entry(incident, at, EntryKind.PRIORITY, by, text, priority=new)


def observe(incident: Incident, *, value: float | None, at: datetime) -> Incident:
    """Fold one more breaching sample into an active incident.

    A repeated observation is not a change of the incident's course, so it refreshes the
    value, count and last_seen_at without a timeline entry; the timeline stays readable.
    """
    require_aware(at)
    if not incident.state.is_active:
        raise TransitionError(incident.id, "update", incident.state)
    return dataclasses.replace(
        incident,
        value=value,
        count=incident.count + 1,
        last_seen_at=max(at, incident.last_seen_at),
        peak=peak_of(incident, value),
    )


def retitle(incident: Incident, title: str, *, at: datetime) -> Incident:
    """A new title the rules gave an active incident (a forecast's estimate moved), on the
    timeline once: the opening title stays readable in the first entry."""
    require_aware(at)
    if not incident.state.is_active:
        raise TransitionError(incident.id, "retitle", incident.state)
    return append_entry(
        incident, at, EntryKind.NOTE, SYSTEM_ACTOR, f"estimate now: {title}", title=title
    )


def peak_of(incident: Incident, value: float | None) -> float | None:
    """The worst of the incident's peak and `value`: past the threshold the way it was crossed."""
    worst = incident.peak if incident.peak is not None else incident.value
    if value is None or worst is None:
        return worst if value is None else value
    below = incident.threshold is not None and worst < incident.threshold
    return min(worst, value) if below else max(worst, value)


def upgrade(
    incident: Incident,
    severity: Severity,
    *,
    value: float | None,
    threshold: float | None,
    at: datetime,
) -> Incident:
    if not incident.state.is_active:
        raise TransitionError(incident.id, "upgrade", incident.state)
    if severity.rank <= incident.severity.rank:
        raise TransitionError(
            incident.id, "upgrade", incident.state, f"it is already {incident.severity}"
        )
    derived = derive_priority(severity, incident.category)
    return append_entry(
        observe(incident, value=value, at=at),
        at,
        EntryKind.UPGRADED,
        SYSTEM_ACTOR,
        f"{incident.severity} -> {severity}",
        severity=severity,
        threshold=threshold,
        # An operator's override stands unless the upgrade makes it more urgent.
        priority=min(incident.priority, derived, key=_urgency),
    )


def retrigger(
    incident: Incident,
    severity: Severity,
    *,
    value: float | None,
    threshold: float | None,
    title: str,
    at: datetime,
) -> Incident:
    """A resolved incident breached again: the same incident comes back instead of a new one."""
    reopened = reopen(incident, by=SYSTEM_ACTOR, at=at, note=title)
    return dataclasses.replace(
        reopened,
        severity=severity,
        value=value,
        threshold=threshold,
        title=title,
        count=incident.count + 1,
        last_seen_at=max(at, incident.last_seen_at),
        peak=peak_of(incident, value),
        priority=min(incident.priority, derive_priority(severity, incident.category), key=_urgency),
    )


def mark(
    incident: Incident, flag: Mark, *, at: datetime, note: str, by: str = SYSTEM_ACTOR
) -> Incident:
    if flag in incident.marks:
        return incident
    return append_entry(
        incident, at, EntryKind.of_mark(flag), by, note, marks=incident.marks | {flag}
    )


def unmark(
    incident: Incident,
    flag: Mark,
    *,
    at: datetime,
    note: str,
    kind: EntryKind,
    by: str = SYSTEM_ACTOR,
) -> Incident:
    if flag not in incident.marks:
        return incident
    return append_entry(incident, at, kind, by, note, marks=incident.marks - {flag})


def _urgency(priority: Priority) -> int:
    return int(priority.value[1:])
