"""Noticing what other processes wrote to the store, and keeping the newest version of each
incident whatever order the versions arrive in."""

from __future__ import annotations

from onwatch.incidents import Incident
from onwatch.store import IncidentStore
from onwatch.store.storage import Revision


class StoreFollower:
    """Tells this process's own writes from other processes' ones by the store's revisions.

    The store records the revision before and after each of its own commits; a change of
    revision that this chain does not explain was made by someone else (a CLI command, a
    second console), and calls for reading the store again.
    """

    def __init__(self, store: IncidentStore) -> None:
        self.store = store
        self._seen: Revision | None = None

    def reading(self) -> Revision:
        """About to read the whole store: from here on, changes are measured against now."""
        self.store.own_writes.clear()
        return self.store.revision()

    def read(self, revision: Revision) -> None:
        self._seen = revision

    def written_elsewhere(self) -> bool:
        current = self.store.revision()
        if current == self._seen:
            return False
        seen = self._seen
        while self.store.own_writes and seen != current:
            before, after = self.store.own_writes.popleft()
            if before != seen:
                break
            seen = after
        if seen == current:
            self._seen = current
            return False
        return True

    def closed(self, ids: list[int]) -> list[Incident]:
        """These incidents as the store holds them now, once they left the unclosed file:
        closed elsewhere, their close still has to be announced."""
        found = []
        for incident_id in ids:
            try:
                found.append(self.store.get(incident_id))
            except LookupError:
                continue  # archived away or removed: nothing left to announce
        return found


def newer(held: Incident | None, incoming: Incident) -> Incident:
    """The later of two versions of one incident.

    Writes land from several threads and processes, so an older copy can arrive after a newer
    one; every change grows the timeline or the count, so the longer history is the newer.
    """
    if held is None:
        return incoming
    if (len(incoming.timeline), incoming.count) < (len(held.timeline), held.count):
        return held
    return incoming
