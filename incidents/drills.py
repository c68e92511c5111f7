"""Drills: practice incidents that page, escalate and resolve like real ones, marked so.

A drill is an ordinary incident with the `drill` mark, "DRILL" at the start of its title and
the moment it ends by itself in a label. Its own metric keeps it apart from a real incident of
the same check (one unclosed incident per fingerprint). When it ends, by itself or by a person,
a `drill` entry on its timeline records how long acknowledgement and resolution took: the
numbers a team practises to bring down.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.lifecycle import append_entry, open_incident, resolve
from onwatch.incidents.model import (
    SYSTEM_ACTOR,
    Category,
    EntryKind,
    Incident,
    Mark,
    Severity,
    State,
)
from onwatch.incidents.timefmt import exact_duration, format_duration, from_iso, to_iso

DRILL_SOURCE = "drill"
"""The synthetic source of a drill that names no configured check."""
DRILL_METRIC = "drill"
UNTIL_LABEL = "drill_until"
MAX_DRILL = timedelta(days=1)
RESULT_PREFIX = "drill over: "


def open_drill(
    *,
    incident_id: int,
    source: str | None,
    check: str | None,
    severity: Severity,
    lasting: timedelta,
    by: str,
    at: datetime,
) -> Incident:
    """A drill of `check` on `source` (both None: the synthetic `drill` source)."""
    if not timedelta(0) < lasting <= MAX_DRILL:
        raise InvalidInput(f"a drill lasts more than 0s and at most {exact_duration(MAX_DRILL)}")
    if severity is Severity.INFO:
        raise InvalidInput("a drill is critical or warning")
    source = source or DRILL_SOURCE
    check = check or DRILL_SOURCE
    what = "practice incident" if check == DRILL_SOURCE else f"{check} on {source} (practice)"
    until = at + lasting
    incident = open_incident(
        incident_id=incident_id,
        source=source,
        check=check,
        metric=DRILL_METRIC,
        title=f"DRILL: {what}",
        severity=severity,
        category=Category.AVAILABILITY,
        value=None,
        threshold=None,
        at=at,
        labels=((UNTIL_LABEL, to_iso(until)),),
    )
    incident = dataclasses.replace(incident, marks=frozenset({Mark.DRILL}))
    note = f"drill started by {by}; resolves by itself after {format_duration(lasting)}"
    return append_entry(incident, at, EntryKind.DRILL, by, note)


def drill_until(incident: Incident) -> datetime | None:
    for key, value in incident.labels:
        if key == UNTIL_LABEL:
            try:
                return from_iso(value)
            except ValueError:
                return None
    return None


def _result_recorded(incident: Incident) -> bool:
    return any(
        e.kind == EntryKind.DRILL and e.note.startswith(RESULT_PREFIX) for e in incident.timeline
    )


def drill_due(incident: Incident, now: datetime) -> bool:
    """Whether time alone has something to do: end the drill, or record how it went."""
    if not incident.is_drill or not incident.is_open or _result_recorded(incident):
        return False
    if incident.state is State.RESOLVED:
        return True
    until = drill_until(incident)
    return incident.state.is_active and until is not None and now >= until


def drill_result(incident: Incident) -> str:
    """`drill over: acknowledged after 3m, resolved after 10m`."""
    start = incident.created_at
    acked = next((e.at for e in incident.timeline if e.kind == EntryKind.ACKNOWLEDGED), None)
    ack = f"acknowledged after {format_duration(acked - start)}" if acked else "never acknowledged"
    resolved = incident.resolved_at
    done = f"resolved after {format_duration(resolved - start)}" if resolved else "not resolved"
    return f"{RESULT_PREFIX}{ack}, {done}"


def advance_drill(incident: Incident, now: datetime) -> Incident:
    """End a drill whose time is up, and record how it went (once)."""
    if not drill_due(incident, now):
        return incident
    if incident.state.is_active:
        incident = resolve(incident, by=SYSTEM_ACTOR, at=now, note="the drill's time is up")
    return append_entry(incident, now, EntryKind.DRILL, SYSTEM_ACTOR, drill_result(incident))
