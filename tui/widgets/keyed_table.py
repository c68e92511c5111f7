"""A DataTable updated in place by row key, keeping the operator's cursor on the same row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text


class KeyedTable(DataTable[Cell]):
    """Rows are replaced by diffing on their key: no clear-and-refill, so the cursor stays put.

    The first column must show the row's key as its text (an incident id, a source name).
    """

    def __init__(self, columns: Sequence[str], **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._column_names = tuple(columns)
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._order: dict[str, Any] = {}

    def on_mount(self) -> None:
        for name in self._column_names:
            self.add_column(name, key=name)

    @property
    def selected_key(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:
            return None
        return row_key.value

    def sync(self, rows: Sequence[tuple[str, tuple[Cell, ...], Any]]) -> None:
        """Show exactly `rows` (key, cells, sort key), in sort-key order."""
        selected = self.selected_key
        wanted = {key: (cells, order) for key, cells, order in rows}
        for key in [k for k in self._cells if k not in wanted]:
            self.remove_row(key)
            del self._cells[key]
            self._order.pop(key, None)
        moved = False
        for key, (cells, order) in wanted.items():
            previous = self._cells.get(key)
            if previous is None:
                self.add_row(*cells, key=key)
                moved = True
            elif previous != cells:
                for name, old, new in zip(self._column_names, previous, cells, strict=True):
                    if old != new:
                        self.update_cell(key, name, new, update_width=True)
            if self._order.get(key) != order:
                moved = True
            self._cells[key] = cells
            self._order[key] = order
        if moved:
            # DataTable.sort hands the key function cells, not row keys: the first column
            # holds the key's text by contract, which leads back to the sort order.
            self.sort(self._column_names[0], key=lambda cell: self._order[_plain(cell)])
        if selected is not None and selected in self._cells:
            self.move_cursor(row=self.get_row_index(selected), animate=False, scroll=False)


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell
