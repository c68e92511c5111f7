"""The operations API: every operator action, whoever asks (TUI, CLI, a future server).

Each action reads the incident's current version under the store's write lock, applies the
lifecycle function and writes the result, so a CLI command and a running console never lose
each other's changes. Actions block on file I/O: async callers run them in a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from incidents import Change, Event, Incident, Priority, lifecycle, triage
from store import IncidentStore

Clock = Callable[[], datetime]


class Operations:
    def __init__(self, store: IncidentStore, *, clock: Clock, operator: str) -> None:
        self.store = store
        self.clock = clock
        self.operator = operator

    def _apply(
        self, incident_id: int, event: Event, change: Callable[[Incident], Incident]
    ) -> Change:
        return Change(self.store.update(incident_id, change), event)

    def acknowledge(self, incident_id: int, *, by: str | None = None, note: str = "") -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id,
            Event.ACKNOWLEDGED,
            lambda i: lifecycle.acknowledge(i, by=actor, at=at, note=note),
        )

    def escalate(self, incident_id: int, *, by: str | None = None, note: str = "") -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id,
            Event.ESCALATED,
            lambda i: lifecycle.escalate(i, by=actor, at=at, note=note),
        )

    def close(self, incident_id: int, *, by: str | None = None, note: str = "") -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id, Event.CLOSED, lambda i: lifecycle.close(i, by=actor, at=at, note=note)
        )

    def reopen(self, incident_id: int, *, by: str | None = None, note: str = "") -> Change:
        actor, at = by or self.operator, self.clock()
        with self.store.transaction() as txn:
            incident = txn.get(incident_id)
            unclosed = txn.unclosed_by_fingerprint().get(incident.fingerprint)
            updated = triage.reopen(incident, unclosed=unclosed, by=actor, at=at, note=note)
            txn.put(updated)
        return Change(updated, Event.REOPENED)

    def note(self, incident_id: int, text: str, *, by: str | None = None) -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id, Event.NOTED, lambda i: lifecycle.add_note(i, by=actor, at=at, note=text)
        )

    def set_priority(
        self, incident_id: int, priority: Priority | str, *, by: str | None = None, note: str = ""
    ) -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id,
            Event.PRIORITY,
            lambda i: lifecycle.set_priority(i, priority, by=actor, at=at, note=note),
        )
