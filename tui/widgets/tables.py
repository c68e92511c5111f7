"""The sources table of the main screen (the open incidents are `incident_list`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from onwatch.incidents.board import SourceRow, Status
from onwatch.tui.widgets.cells import Cell
from onwatch.tui.widgets.row_table import RowTable

STATUS_STYLES = {
    Status.DOWN: "bold white on red",
    Status.CRIT: "bold red",
    Status.NO_DATA: "bold magenta",
    Status.WARN: "bold yellow",
    Status.SILENCED: "dim",
    Status.OK: "green",
}
SOURCE_COLUMNS = ("SOURCE", "STATUS", "KIND", "NOW", "TREND", "PROBLEM")


SOURCE_WIDTHS = {"STATUS": 10, "NOW": 38, "TREND": 12, "PROBLEM": 60}


class SourcesTable(RowTable):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(SOURCE_COLUMNS, SOURCE_WIDTHS, **kwargs)  # type: ignore[arg-type]
        self._shown: dict[str, tuple[SourceRow, tuple[Cell, ...]]] = {}

    def show(self, rows: Sequence[SourceRow]) -> None:
        # An unchanged row hands over the very cells it was shown with, which the table skips
        # without comparing them: of 1,000 sources a redraw finds a few dozen with new values.
        shown = self._shown
        fresh: dict[str, tuple[SourceRow, tuple[Cell, ...]]] = {}
        for row in rows:
            before = shown.get(row.key)
            if before is not None and before[0] == row:
                fresh[row.key] = before
            else:
                fresh[row.key] = (row, _cells(row))
        self._shown = fresh
        self.sync([(row.key, fresh[row.key][1], (row.status.rank, row.name)) for row in rows])


def _cells(row: SourceRow) -> tuple[Cell, ...]:
    return (
        row.name,
        Text(row.status.label, style=STATUS_STYLES[row.status]),
        row.kind,
        row.values,
        row.spark,
        row.failing_title,
    )
