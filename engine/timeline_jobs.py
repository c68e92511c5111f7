"""Store jobs that add to timelines as time passes or work finishes: an automated action's
outcome, a drill that ends (and how it went). Each runs in the engine's writer, under the
store's lock, against the incidents as they are in the file."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from onwatch.incidents import SYSTEM_ACTOR, Change, EntryKind, Event, State, TimelineEntry
from onwatch.incidents.drills import advance_drill
from onwatch.store import Transaction


def action_entry_job(
    txn: Transaction, *, incident_id: int, note: str, at: datetime
) -> list[Change]:
    """An `action` entry on one incident's timeline."""
    incident = txn.get(incident_id)
    entry = TimelineEntry(at, EntryKind.ACTION, SYSTEM_ACTOR, note)
    updated = dataclasses.replace(incident, timeline=(*incident.timeline, entry))
    txn.put(updated)
    return [Change(updated, Event.NOTED)]


def drills_job(txn: Transaction, *, now: datetime) -> list[Change]:
    """End the drills whose time is up; record how the others that ended went."""
    changes = []
    for incident in txn.unclosed():
        updated = advance_drill(incident, now)
        if updated is not incident:
            txn.put(updated)
            ended = incident.state.is_active and updated.state is State.RESOLVED
            changes.append(Change(updated, Event.RESOLVED if ended else Event.NOTED))
    return changes
