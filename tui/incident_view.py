"""The incident list as the console shows it: rows, columns at each width, filters, search.
Plain Python, no Textual, like `incidents.board` (the sources and the wall)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from onwatch.incidents import Incident, Mark, Severity, State
from onwatch.incidents.timefmt import format_duration


@dataclass(frozen=True, slots=True)
class IncidentRow:
    key: str
    id: int
    cells: tuple[str, ...]
    """ID, PRI, SEV, STATE, ESC, AGE, SOURCE, OWNER, TITLE in full."""
    compact: tuple[str, ...]
    """The same with the state as its symbol and the severity as its word."""
    sort_key: tuple[int, float, int]
    severity: Severity
    state: State


STATE_LABELS = {
    State.TRIGGERED: "▲ TRIGGERED",
    State.ACKNOWLEDGED: "✓ ACKED",
    State.RESOLVED: "○ RESOLVED",
    State.CLOSED: "· CLOSED",
}
SEVERITY_LABELS = {Severity.CRITICAL: "✖ CRIT", Severity.WARNING: "▲ WARN", Severity.INFO: "i INFO"}
NOBODY = "-"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    cell: int
    """Index into `IncidentRow.cells` (or `.compact` in a compact layout)."""
    width: int


@dataclass(frozen=True, slots=True)
class ListLayout:
    """Which columns the incident list shows at a width; the title takes what is left."""

    columns: tuple[Column, ...]
    gap: str
    compact: bool
    """Cells from `IncidentRow.compact`: the state as its symbol, the severity as its word."""


TITLE_CELL = 8
WIDE = ListLayout(
    columns=(
        Column("ID", 0, 5),
        Column("PRI", 1, 3),
        Column("SEV", 2, 6),
        Column("STATE", 3, 13),
        Column("ESC", 4, 3),
        Column("AGE", 5, 6),
        Column("SOURCE", 6, 16),
        Column("OWNER", 7, 10),
    ),
    gap="  ",
    compact=False,
)
# A laptop's 80 columns: the title is what tells incidents apart, so the lesser columns give
# way first (no escalation level, symbols for state, narrower source and owner).
NARROW = ListLayout(
    columns=(
        Column("ID", 0, 4),
        Column("PRI", 1, 3),
        Column("SEV", 2, 4),
        Column("ST", 3, 3),
        Column("AGE", 5, 5),
        Column("SOURCE", 6, 10),
        Column("OWNER", 7, 8),
    ),
    gap=" ",
    compact=True,
)
WIDE_FROM = 110
"""List widths from which every column fits beside a readable title."""


def layout_for(width: int) -> ListLayout:
    return WIDE if width >= WIDE_FROM else NARROW


def _state_marks(incident: Incident) -> str:
    return (" ~" if incident.has(Mark.FLAPPING) else "") + (
        " ◌" if incident.has(Mark.SILENCED) else ""
    )


def reporter_label(reporter: str | None) -> str:
    """Who reported it, safe to show: a URL (mailto://, json://...) may carry a password or a
    token, so only its scheme and host are shown ("mailto://…@example.com")."""
    if not reporter:
        return NOBODY
    if "://" not in reporter:
        return reporter
    try:
        parts = urlsplit(reporter)
        host = parts.hostname or ""
    except ValueError:
        return "(a contact URL)"
    someone = "…@" if "@" in parts.netloc else ""
    return f"{parts.scheme}://{someone}{host}" if host else f"{parts.scheme}://…"


def incident_row(incident: Incident, now: datetime) -> IncidentRow:
    i = incident
    marks = _state_marks(i)
    age = format_duration(now - i.created_at)
    owner = i.owner or NOBODY
    cells = (
        str(i.id),
        i.priority.value,
        SEVERITY_LABELS[i.severity],
        STATE_LABELS[i.state] + marks,
        str(i.escalation_level),
        age,
        i.source,
        owner,
        i.title,
    )
    compact = (
        *cells[:2],
        SEVERITY_LABELS[i.severity].split()[-1],
        STATE_LABELS[i.state][0] + marks.replace(" ", ""),
        *cells[4:],
    )
    return IncidentRow(
        key=str(i.id),
        id=i.id,
        cells=cells,
        compact=compact,
        # Most urgent first, then the oldest, then by id for a stable order.
        sort_key=(int(i.priority.value[1:]), i.created_at.timestamp(), i.id),
        severity=i.severity,
        state=i.state,
    )


class StateFilter(enum.Enum):
    OPEN = "open"
    TRIGGERED = "triggered"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLOSED = "closed"

    def next(self) -> StateFilter:
        members = list(StateFilter)
        return members[(members.index(self) + 1) % len(members)]

    def admits(self, incident: Incident) -> bool:
        if self is StateFilter.OPEN:
            return incident.state is not State.CLOSED
        return incident.state.value == self.value


class SeverityFilter(enum.Enum):
    ALL = "all"
    CRITICAL = "critical"
    WARNING = "warning+"

    def next(self) -> SeverityFilter:
        members = list(SeverityFilter)
        return members[(members.index(self) + 1) % len(members)]

    def admits(self, incident: Incident) -> bool:
        if self is SeverityFilter.CRITICAL:
            return incident.severity is Severity.CRITICAL
        if self is SeverityFilter.WARNING:
            return incident.severity is not Severity.INFO
        return True


def matches_search(incident: Incident, text: str) -> bool:
    if not text:
        return True
    needle = text.casefold()
    i = incident
    haystack = (str(i.id), i.title, i.source, i.check, i.metric, i.owner or "")
    return any(needle in field.casefold() for field in haystack)
