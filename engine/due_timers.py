"""When each open incident next has something for the timers to write, kept in a heap.

`Pager._advance` asks everything time alone does to an incident (silences starting and ending,
acknowledgement timeouts, escalation steps, reminders); asking it of every open incident every
second costs O(open incidents) a tick. Each of those conditions only turns true at a moment
that can be read off the incident as it is, so the engine keeps, per incident, the earliest
such moment (`Pager.next_due`), and each tick looks only at the incidents whose moment has
come. A moment is never later than the real one; one that comes early is checked against the
real answer and looked up again, so what the timers do is exactly what checking every
incident would do.

An entry is replaced when its incident changes (`note`, `forget`); the whole index is rebuilt
when what the moments depend on changes (settings, silences, a new mapping of incidents, the
clock set back).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Mapping
from datetime import datetime

from onwatch.incidents import Incident

NextDue = Callable[[Incident, datetime], "datetime | None"]
"""(incident, now) -> the earliest moment time alone may change it, None for never."""
Changes = Callable[[Incident, datetime], bool]
"""(incident, now) -> whether time alone changes it at `now` (the real answer)."""


class DueIndex:
    def __init__(self, next_due: NextDue, changes: Changes) -> None:
        self._next_due = next_due
        self._changes = changes
        self._heap: list[tuple[datetime, int, int]] = []
        self._entries: dict[int, tuple[int, Incident]] = {}
        self._tokens = itertools.count()
        self._source: Mapping[int, Incident] | None = None
        self._last_now: datetime | None = None
        self._stale = True

    def invalidate(self) -> None:
        """What every moment depends on changed: rebuild before the next question."""
        self._stale = True

    def note(self, incident: Incident, now: datetime) -> None:
        """The incident as the engine now holds it (new, changed or unchanged)."""
        current = self._entries.get(incident.id)
        if current is not None and current[1] is incident:
            return
        self._push(incident, now)
        if len(self._heap) > 2 * len(self._entries) + 64:
            self._compact()

    def forget(self, incident_id: int) -> None:
        self._entries.pop(incident_id, None)

    def any_due(self, incidents: Mapping[int, Incident], now: datetime) -> bool:
        """Whether time alone changes any of `incidents` at `now`."""
        if (
            self._stale
            or incidents is not self._source
            or len(incidents) != len(self._entries)
            or (self._last_now is not None and now < self._last_now)
        ):
            self._rebuild(incidents, now)
        self._last_now = now
        heap, entries = self._heap, self._entries
        found = False
        requeue: list[tuple[Incident, bool]] = []
        while heap and heap[0][0] <= now:
            _, incident_id, token = heapq.heappop(heap)
            entry = entries.get(incident_id)
            if entry is None or entry[0] != token:
                continue  # replaced or forgotten since
            # Changed without a word to the index: it is taken as the mapping holds it now.
            incident = incidents.get(incident_id)
            if incident is None:
                del entries[incident_id]
                continue
            due = self._changes(incident, now)
            requeue.append((incident, due))
            if due:
                found = True
                break
        # Pushed back only now: a moment that is still in the past must not be popped again.
        for incident, due in requeue:
            self._push(incident, now, still_due=due)
        return found

    # --- upkeep ----------------------------------------------------------------------------------

    def _push(self, incident: Incident, now: datetime, *, still_due: bool = False) -> None:
        due = now if still_due else self._next_due(incident, now)
        token = next(self._tokens)
        self._entries[incident.id] = (token, incident)
        if due is not None:
            heapq.heappush(self._heap, (due, incident.id, token))

    def _rebuild(self, incidents: Mapping[int, Incident], now: datetime) -> None:
        self._heap.clear()
        self._entries.clear()
        for incident in incidents.values():
            self._push(incident, now)
        self._source = incidents
        self._stale = False

    def _compact(self) -> None:
        live = {(incident_id, token) for incident_id, (token, _) in self._entries.items()}
        self._heap = [item for item in self._heap if (item[1], item[2]) in live]
        heapq.heapify(self._heap)
