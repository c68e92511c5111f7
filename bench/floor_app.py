"""The floor for the console bench: a minimal Textual app, a header and a DataTable of N rows,
measured by the same harness as the console (first frame with rows, key to screen).

usage: python -m bench.floor_app ROWS   (ONWATCH_BENCH_PAINTED: where to note the first frame)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Header


class FloorApp(App[None]):
    TITLE = "floor"

    def __init__(self, rows: int, marker: Path | None) -> None:
        super().__init__()
        self.rows = rows
        self.marker = marker

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "severity", "state", "source", "title")
        table.add_rows(
            (f"#{n}", "critical", "triggered", f"host-{n % 1000:03d}", f"floor row {n}")
            for n in range(self.rows)
        )
        table.focus()

    def on_ready(self) -> None:
        if self.marker is not None:
            self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        assert self.marker is not None
        for name in (self.marker.name, "filled"):
            temp = self.marker.with_name(name + ".tmp")
            temp.write_text(repr(time.time()))
            temp.replace(self.marker.with_name(name))
        self.exit()


def main() -> None:
    marker = os.environ.get("ONWATCH_BENCH_PAINTED")
    FloorApp(int(sys.argv[1]), Path(marker) if marker else None).run()


if __name__ == "__main__":
    main()
