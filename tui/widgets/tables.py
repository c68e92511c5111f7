"""The two tables of the main screen: sources and open incidents."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from onwatch.incidents.board import SourceRow, Status
from onwatch.tui.widgets.keyed_table import KeyedTable

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
