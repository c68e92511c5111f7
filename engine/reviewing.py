"""The operations about diagnosis and review: tick a checklist item, record a change, record
the review, and read an incident with what surrounds it (its checklist, the changes near it,
what fixed it last time) or as its postmortem. Mixed into `engine.operations.Operations`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from onwatch.incidents import Change, Event, Incident, InvalidInput
from onwatch.incidents import changes as change_rules
from onwatch.incidents.changes import RecordedChange
from onwatch.incidents.checklist import NO_GUIDE, Guide, checklist, tick
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.postmortem import render_postmortem
from onwatch.incidents.review import review
from onwatch.store import ChangeStore, IncidentStore


class ReviewOperations:
    """Needs `store`, `clock`, `operator`, `guides` and `changes` from `Operations`."""

    store: IncidentStore
    clock: Callable[[], datetime]
    operator: str
    guides: Mapping[str, Guide]
    changes: ChangeStore | None

    def guide(self, incident: Incident) -> Guide:
        return self.guides.get(incident.check, NO_GUIDE)

    def check(
        self, incident_id: int, number: int, *, undo: bool = False, by: str | None = None
    ) -> Change:
        """Tick checklist item `number` (from 1, in the order shown), or untick it."""
        actor, at = by or self.operator, self.clock()
        with self.store.transaction() as txn:
            current = txn.get(incident_id)
            updated = tick(current, number, self.guide(current), by=actor, at=at, undo=undo)
            if updated is not current:  # ticking a ticked item changes nothing, not even the file
                txn.put(updated)
        return Change(updated, Event.CHECKED)

    def review(
        self,
        incident_id: int,
        *,
        root_cause: str | None = None,
        actions: Sequence[str] = (),
        by: str | None = None,
    ) -> Change:
        """Record the root cause (replacing any before) and append action items."""
        actor, at = by or self.operator, self.clock()
        return Change(
            self.store.update(
                incident_id,
                lambda i: review(i, root_cause=root_cause, actions=actions, by=actor, at=at),
            ),
            Event.REVIEWED,
        )

    def _change_store(self) -> ChangeStore:
        if self.changes is None:
            raise InvalidInput("changes need a change store")
        return self.changes

    def record_change(
        self, text: str, *, source: str = "", by: str | None = None
    ) -> RecordedChange:
        return self._change_store().add(
            text, at=self.clock(), source=source, by=by or self.operator
        )

    def list_changes(self, since: datetime | None = None) -> list[RecordedChange]:
        return [] if self.changes is None else self.changes.list(since)

    def context(self, incident: Incident) -> IncidentContext:
        """Its checklist, the changes near it (nearest first), what fixed it last time."""
        near: list[RecordedChange] = []
        if self.changes is not None:
            start = incident.created_at - change_rules.BEFORE
            near = change_rules.near(self.changes.list(start), incident, self.clock())
        return IncidentContext(
            checklist=tuple(checklist(incident, self.guide(incident))),
            changes=tuple(near),
            precedents=tuple(self.store.similar(incident)),
        )

    def postmortem(self, incident_id: int) -> str:
        """The incident's postmortem as Markdown."""
        incident = self.store.get(incident_id)
        return render_postmortem(incident, self.context(incident), now=self.clock())
