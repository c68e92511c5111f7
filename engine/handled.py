"""How much of each unclosed incident's timeline an observer (the pager, the action runner) has
handled already, so a change announces only its new entries.

Only unclosed incidents are kept: a long-running engine closes thousands of incidents a day,
and a count kept for each of them would grow for as long as it runs. A closed incident is
forgotten once its close has been handled; what is written on it later (delivery outcomes,
notes, feedback) is new from its last close on, so the close is never announced twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from onwatch.incidents import EntryKind, Incident, State


class HandledEntries:
    def __init__(self) -> None:
        self._count: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._count)

    def already_told(self, incidents: Iterable[Incident]) -> None:
        """Incidents found at start: an earlier run handled what their timelines hold."""
        for incident in incidents:
            if incident.state is not State.CLOSED:
                self._count[incident.id] = len(incident.timeline)

    def take(self, incident: Incident) -> int:
        """Where the entries not handled yet begin on `incident`'s timeline; from now on the
        whole of it counts as handled."""
        start = self._count.pop(incident.id, None)
        if start is None:
            start = after_last_close(incident) if incident.state is State.CLOSED else 0
        if incident.state is not State.CLOSED:
            self._count[incident.id] = len(incident.timeline)
        return start


def after_last_close(incident: Incident) -> int:
    """The index just past the timeline's last "closed" entry (0 when there is none)."""
    for index in range(len(incident.timeline) - 1, -1, -1):
        if incident.timeline[index].kind == EntryKind.CLOSED:
            return index + 1
    return 0
