"""What the Alertmanager silence sync writes to the store, as jobs for the engine's writer.

Each job reads the incident again inside its transaction: the sync decided on a snapshot, and an
operator may have acted since (a silence replaced, the incident closed), so a job whose premise
no longer holds writes nothing.
"""

from __future__ import annotations

from datetime import datetime

from onwatch.engine.writer import Job
from onwatch.incidents import Change, Event, State, TransitionError
from onwatch.incidents import external as ext
from onwatch.store import Transaction


def kept_job(incident_id: int, silence_id: str, at: datetime, note: str) -> Job:
    def job(txn: Transaction) -> list[Change]:
        incident = txn.get(incident_id)
        updated = ext.silence_kept(incident, silence_id, at=at, note=note)
        txn.put(updated)
        return [Change(updated, Event.ALERTMANAGER)]

    return job


def gone_job(incident_id: int, silence_id: str, at: datetime, after: str = "") -> Job:
    def job(txn: Transaction) -> list[Change]:
        incident = txn.get(incident_id)
        if incident.alertmanager_silence != silence_id:
            return []
        note = f"Alertmanager silence {silence_id} expired{after}"
        updated = ext.silence_gone(incident, at=at, note=note)
        txn.put(updated)
        return [Change(updated, Event.ALERTMANAGER)]

    return job


def trouble_job(incident_id: int, at: datetime, note: str) -> Job:
    def job(txn: Transaction) -> list[Change]:
        updated = ext.silence_trouble(txn.get(incident_id), at=at, note=note)
        txn.put(updated)
        return [Change(updated, Event.ALERTMANAGER)]

    return job


def resolve_job(incident_id: int, silence_id: str, at: datetime) -> Job:
    def job(txn: Transaction) -> list[Change]:
        incident = txn.get(incident_id)
        if incident.state is not State.ACKNOWLEDGED or incident.alertmanager_silence != silence_id:
            return []
        try:
            updated = ext.resolved_elsewhere(incident, at=at)
        except TransitionError:
            return []
        txn.put(updated)
        return [Change(updated, Event.RESOLVED)]

    return job
