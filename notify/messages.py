"""What each channel and the desktop receive. Pure formatting: the time is a parameter.

Every message names the check and the source, so a reader knows at once what broke, and the
incident's id, so they can act on it (`onwatch incidents ack 12`).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from onwatch.incidents import EntryKind, Incident, Severity
from onwatch.incidents.escalation import DueStep, episode_start
from onwatch.incidents.timefmt import format_duration

STORM_LIST_LIMIT = 50
"""A grouped message lists this many incidents, then says how many more."""


class Kind(enum.StrEnum):
    """Why a notification is sent."""

    OPENED = "opened"
    ESCALATED = "escalated"
    RENOTIFY = "renotify"
    UNACKNOWLEDGED = "unacknowledged"
    RESOLVED = "resolved"
    HANDED_OVER = "handed_over"
    CLOSED = "closed"
    REOPENED = "reopened"


RECOVERY_KINDS = frozenset({Kind.RESOLVED, Kind.CLOSED, Kind.REOPENED})
"""Announced only to channels that asked for `send_resolved` (and to the reporter)."""


class Tone(enum.StrEnum):
    """How bad the news is, in the words apprise's notification types use (its `type` field
    colours a Slack message, picks a Teams card, sets a Telegram icon)."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    FAILURE = "failure"


_SEVERITY_TONE = {
    Severity.CRITICAL: Tone.FAILURE,
    Severity.WARNING: Tone.WARNING,
    Severity.INFO: Tone.INFO,
}


def tone(kind: Kind, incidents: Sequence[Incident]) -> Tone:
    """A recovery is good news; anything else is as bad as the worst incident it names."""
    if kind in (Kind.RESOLVED, Kind.CLOSED):
        return Tone.SUCCESS
    worst = max((i.severity for i in incidents), key=lambda s: s.rank, default=Severity.INFO)
    return _SEVERITY_TONE[worst]


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    tone: Tone = Tone.INFO


_PREFIX = {
    Kind.OPENED: "",
    Kind.ESCALATED: "ESCALATED ",
    Kind.RENOTIFY: "STILL OPEN ",
    Kind.UNACKNOWLEDGED: "UNACKNOWLEDGED ",
    Kind.RESOLVED: "RESOLVED ",
    Kind.HANDED_OVER: "HANDED OVER ",
    Kind.CLOSED: "CLOSED ",
    Kind.REOPENED: "REOPENED ",
}


def headline(incident: Incident) -> str:
    """`CRITICAL api on web-01`; a drill says so first, so nobody takes it for the real thing."""
    drill = "DRILL " if incident.is_drill else ""
    return f"{drill}{incident.severity.value.upper()} {incident.check} on {incident.source}"


def _when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _facts(incident: Incident) -> str:
    return (
        f"check {incident.check} · source {incident.source} · "
        f"{incident.severity.value} · priority {incident.priority.value}"
    )


def _triggered_at(incident: Incident) -> datetime:
    """When the current outage began: the last opened/reopened entry (not an ack timeout)."""
    for entry in reversed(incident.timeline):
        if entry.kind in (EntryKind.OPENED, EntryKind.REOPENED):
            return entry.at
    return incident.created_at


def _first_ack_after(incident: Incident, start: datetime) -> datetime | None:
    for entry in incident.timeline:
        if entry.kind == EntryKind.ACKNOWLEDGED and entry.at >= start:
            return entry.at
    return incident.acknowledged_at


def opened(incident: Incident) -> Message:
    body = (
        f"#{incident.id} {incident.title}\n"
        f"{_facts(incident)}\n"
        f"opened {_when(_triggered_at(incident))}"
    )
    return Message(headline(incident), body, tone(Kind.OPENED, [incident]))


def escalated(incident: Incident, due: DueStep | None, *, now: datetime) -> Message:
    waited = format_duration(now - episode_start(incident)[1])
    if due is None:
        step = f"escalation level {incident.escalation_level}"
    else:
        step = f"escalation {due.label} (level {due.level})"
    body = (
        f"#{incident.id} {incident.title}\n{_facts(incident)}\n{step}: unacknowledged for {waited}"
    )
    return Message(
        _PREFIX[Kind.ESCALATED] + headline(incident), body, tone(Kind.ESCALATED, [incident])
    )


def renotify(incident: Incident, *, now: datetime) -> Message:
    waited = format_duration(now - episode_start(incident)[1])
    body = (
        f"#{incident.id} {incident.title}\n{_facts(incident)}\nstill unacknowledged after {waited}"
    )
    return Message(
        _PREFIX[Kind.RENOTIFY] + headline(incident), body, tone(Kind.RENOTIFY, [incident])
    )


def unacknowledged(incident: Incident) -> Message:
    """After an acknowledgement timed out; the timeline's entry says how long it was held."""
    note = next(
        (e.note for e in reversed(incident.timeline) if e.kind == EntryKind.UNACKNOWLEDGED),
        "acknowledgement timed out",
    )
    body = (
        f"#{incident.id} {incident.title}\n{_facts(incident)}\n"
        f"{note}: back to triggered, paging again"
    )
    return Message(
        _PREFIX[Kind.UNACKNOWLEDGED] + headline(incident),
        body,
        tone(Kind.UNACKNOWLEDGED, [incident]),
    )


def resolved(incident: Incident, *, now: datetime) -> Message:
    """How long it lasted (first breach of this outage to recovery) and how long it waited for
    an acknowledgement."""
    start = _triggered_at(incident)
    end = incident.resolved_at or now
    acked = _first_ack_after(incident, start)
    waited = (
        f"acknowledged after {format_duration(acked - start)}"
        if acked is not None
        else "never acknowledged"
    )
    body = (
        f"#{incident.id} {incident.title}\n{_facts(incident)}\n"
        f"lasted {format_duration(end - start)} ({_when(start)} to {_when(end)}), {waited}"
    )
    return Message(
        _PREFIX[Kind.RESOLVED] + headline(incident), body, tone(Kind.RESOLVED, [incident])
    )


def _last_note(incident: Incident, kind: EntryKind) -> str:
    return next((e.note for e in reversed(incident.timeline) if e.kind == kind), "")


def handed_over(incident: Incident) -> Message:
    """To the role taking the incident over; the timeline's entry names it and says why."""
    note = _last_note(incident, EntryKind.HANDED_OVER) or "handed over"
    body = f"#{incident.id} {incident.title}\n{_facts(incident)}\n{note}"
    return Message(
        _PREFIX[Kind.HANDED_OVER] + headline(incident), body, tone(Kind.HANDED_OVER, [incident])
    )


def closed(incident: Incident, *, now: datetime) -> Message:
    """The end of it, for the channels and the person who reported it: what fixed it (the
    close note) and how long it lasted, from the report or first breach to the close."""
    start = incident.created_at
    end = incident.closed_at or now
    resolution = _last_note(incident, EntryKind.CLOSED) or "no resolution given"
    body = (
        f"#{incident.id} {incident.title}\n{_facts(incident)}\n"
        f"resolution: {resolution}\n"
        f"lasted {format_duration(end - start)} ({_when(start)} to {_when(end)})"
    )
    return Message(_PREFIX[Kind.CLOSED] + headline(incident), body, tone(Kind.CLOSED, [incident]))


def reopened(incident: Incident, *, now: datetime) -> Message:
    """It was not fixed after all: why, and how long it has been going on."""
    reason = _last_note(incident, EntryKind.REOPENED) or "no reason given"
    body = (
        f"#{incident.id} {incident.title}\n{_facts(incident)}\n"
        f"reopened: {reason}\n"
        f"open for {format_duration(now - incident.created_at)} since {_when(incident.created_at)}"
    )
    return Message(
        _PREFIX[Kind.REOPENED] + headline(incident), body, tone(Kind.REOPENED, [incident])
    )


def kind_for_step(incident: Incident, due: DueStep) -> Kind:
    """How a fired escalation step is announced: the first page of an episode is OPENED (or
    UNACKNOWLEDGED when an acknowledgement timed out), every later step ESCALATED."""
    if due.level > 0:
        return Kind.ESCALATED
    position, _ = episode_start(incident)
    started_by = incident.timeline[position].kind if position >= 0 else EntryKind.OPENED
    return Kind.UNACKNOWLEDGED if started_by == EntryKind.UNACKNOWLEDGED else Kind.OPENED


def render(kind: Kind, incident: Incident, *, now: datetime, due: DueStep | None = None) -> Message:
    """The message a channel receives for one incident."""
    match kind:
        case Kind.OPENED:
            return opened(incident)
        case Kind.ESCALATED:
            return escalated(incident, due, now=now)
        case Kind.RENOTIFY:
            return renotify(incident, now=now)
        case Kind.UNACKNOWLEDGED:
            return unacknowledged(incident)
        case Kind.RESOLVED:
            return resolved(incident, now=now)
        case Kind.HANDED_OVER:
            return handed_over(incident)
        case Kind.CLOSED:
            return closed(incident, now=now)
        case Kind.REOPENED:
            return reopened(incident, now=now)
    raise ValueError(f"unknown notification kind {kind!r}")


def _tally(incidents: Sequence[Incident]) -> str:
    counts = Counter(i.severity for i in incidents)
    return ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s])


def _sources(incidents: Sequence[Incident]) -> str:
    names = sorted({i.source for i in incidents})
    shown = ", ".join(names[:5])
    return shown if len(names) <= 5 else f"{shown} and {len(names) - 5} more"


def storm(kind: Kind, incidents: Sequence[Incident], *, window: timedelta) -> Message:
    """One grouped message instead of one per incident: a count, a tally and the list."""
    title = f"{len(incidents)} incidents {kind.value} within {format_duration(window)}"
    lines = [f"{_tally(incidents)} on {_sources(incidents)}"]
    ordered = sorted(incidents, key=lambda i: (-i.severity.rank, i.id))
    for incident in ordered[:STORM_LIST_LIMIT]:
        lines.append(f"#{incident.id} {headline(incident)}: {incident.title}")
    if len(ordered) > STORM_LIST_LIMIT:
        lines.append(f"... and {len(ordered) - STORM_LIST_LIMIT} more (see onwatch incidents)")
    return Message(title, "\n".join(lines), tone(kind, incidents))


def desktop(incident: Incident, kind: Kind = Kind.OPENED) -> Message:
    """A desktop popup: `CRITICAL api` and `#12 <title> (web-01)`."""
    drill = "DRILL " if incident.is_drill else ""
    title = f"{drill}{_PREFIX[kind]}{incident.severity.value.upper()} {incident.check}"
    body = f"#{incident.id} {incident.title} ({incident.source})"
    return Message(title, body, tone(kind, [incident]))


def desktop_storm(kind: Kind, incidents: Sequence[Incident]) -> Message:
    worst = max(incidents, key=lambda i: (i.severity.rank, -i.id))
    return Message(
        f"{len(incidents)} incidents {kind.value}",
        f"{_tally(incidents)} on {_sources(incidents)}; worst #{worst.id} {headline(worst)}",
        tone(kind, incidents),
    )
