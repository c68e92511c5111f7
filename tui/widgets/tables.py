"""The two tables of the main screen: sources and open incidents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text

from incidents import Severity, State
from tui.view import INCIDENT_COLUMNS, IncidentRow, SourceRow, Status
from tui.widgets.keyed_table import KeyedTable

STATUS_STYLES = {
    Status.DOWN: "bold white on red",
    Status.CRIT: "bold red",
    Status.NO_DATA: "bold magenta",
    Status.WARN: "bold yellow",
    Status.SILENCED: "dim",
    Status.OK: "green",
}
SEVERITY_STYLES = {Severity.CRITICAL: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SOURCE_COLUMNS = ("SOURCE", "STATUS", "KIND", "NOW", "TREND", "PROBLEM")


SOURCE_WIDTHS = {"STATUS": 10, "NOW": 38, "TREND": 12, "PROBLEM": 60}
INCIDENT_WIDTHS = {"SEV": 6, "STATE": 14, "ESC": 3, "AGE": 6, "TITLE": 80}


class SourcesTable(KeyedTable):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(SOURCE_COLUMNS, SOURCE_WIDTHS, **kwargs)  # type: ignore[arg-type]

    def show(self, rows: Sequence[SourceRow]) -> None:
        self.sync(
            [
                (
                    row.key,
                    (
                        row.name,
                        Text(row.status.label, style=STATUS_STYLES[row.status]),
                        row.kind,
                        row.values,
                        row.spark,
                        row.failing_title,
                    ),
                    (row.status.rank, row.name),
                )
                for row in rows
            ]
        )


class IncidentsTable(KeyedTable):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(INCIDENT_COLUMNS, INCIDENT_WIDTHS, **kwargs)  # type: ignore[arg-type]
        self._styled_rows: dict[int, tuple[IncidentRow, bool, tuple[str | Text, ...]]] = {}

    def show(self, rows: Iterable[IncidentRow], flashing: frozenset[str] = frozenset()) -> None:
        self.sync(
            [(row.key, self._cells_of(row, row.key in flashing), row.sort_key) for row in rows]
        )

    @staticmethod
    def _cells_of(row: IncidentRow, flash: bool) -> tuple[str | Text, ...]:
        style = SEVERITY_STYLES[row.severity]
        if row.state is not State.TRIGGERED:
            style = "dim" if row.state is State.RESOLVED else ""
        cells: list[str | Text] = list(row.cells)
        cells[0] = Text(row.cells[0], style="reverse bold" if flash else "bold")
        cells[2] = Text(row.cells[2], style=SEVERITY_STYLES[row.severity])
        cells[3] = Text(row.cells[3], style=style)
        return tuple(cells)

    @property
    def selected_id(self) -> int | None:
        key = self.selected_key
        return int(key) if key is not None else None
