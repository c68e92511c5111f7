"""A DataTable updated in place by row key, keeping the operator's cursor on the same row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

Cell = str | Text
REBUILD_AFTER = 16
"""Adding or removing more rows than this (or a tenth of the table) at once refills the table."""


class KeyedTable(DataTable[Cell]):
    """Rows are replaced by diffing on their key: no clear-and-refill, so the cursor stays put.

    The first column must show the row's key as its text (an incident id, a source name).
    """

    def __init__(
        self, columns: Sequence[str], widths: dict[str, int] | None = None, **kwargs: Any
    ) -> None:
        """`widths` fixes the width of columns whose content changes after the row is added:
        DataTable sizes a column when a row arrives, and re-measuring every row of a column on
        each cell update would cost time proportional to the table, on every update."""
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._column_names = tuple(columns)
        self._widths = dict(widths or {})
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._order: dict[str, Any] = {}

    def on_mount(self) -> None:
        for name in self._column_names:
            self.add_column(name, key=name, width=self._widths.get(name))

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
        gone = [key for key in self._cells if key not in wanted]
        arriving = sum(1 for key in wanted if key not in self._cells)
        if len(gone) + arriving > max(REBUILD_AFTER, len(self._cells) // 10):
            self._rebuild(wanted)
        else:
            self._patch(wanted, gone)
        if selected is not None and selected in self._cells:
            self.move_cursor(row=self.get_row_index(selected), animate=False, scroll=False)

    def _replace_rows(self, changed: dict[str, tuple[Cell, ...]]) -> None:
        """New cells for some rows, and only those rows drawn again.

        DataTable.update_cell counts each change in one counter that keys all of its caches,
        so a change to any row renders every row on screen again, cell by cell: a thousand
        sources change a few dozen rows at each redraw. Here the rows' cells are replaced and
        just their cached renderings forgotten (widths stay fixed, as update_cell's do)."""
        keys = {RowKey(key) for key in changed}
        for key, cells in changed.items():
            row = self._data[RowKey(key)]
            for name, cell in zip(self._column_names, cells, strict=True):
                row[ColumnKey(name)] = cell
        indexes = {self._row_locations.get(key) for key in keys}
        for cache in (self._cell_render_cache, self._row_render_cache):
            for cache_key in [k for k in list(cache.keys()) if k[0] in keys]:
                cache.discard(cache_key)
        renderables = self._row_renderable_cache
        for cache_key in [k for k in list(renderables.keys()) if k[1] in indexes]:
            renderables.discard(cache_key)
        self._line_cache.clear()
        self.refresh()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Columns sized from the new rows' cells as they are kept here, one line each.

        DataTable measures a new row by building every cell's renderable (parsing its markup)
        even for columns of fixed width: most of a second for a thousand sources, between the
        console's start and its first rows. The widths come out the same."""
        auto = [(i, c) for i, c in enumerate(self.ordered_columns) if c.auto_width]
        for row_key in new_rows:
            cells = self._cells.get(row_key.value or "")
            if cells is None or row_key not in self.rows:
                continue  # removed before the table was idle
            for index, column in auto:
                column.content_width = max(column.content_width, _width(cells[index]))
        super()._update_dimensions(())

    def _rebuild(self, wanted: dict[str, tuple[tuple[Cell, ...], Any]]) -> None:
        # DataTable.remove_row re-indexes every row, so removing many one by one costs the
        # square of the table (a filter hiding 400 of 500 rows: most of a second), and rows
        # added one by one must be sorted again. Refilling in order is linear; the caller puts
        # the cursor back on the same key.
        self.clear()
        self._cells.clear()
        self._order.clear()
        for key, (cells, order) in sorted(wanted.items(), key=lambda item: item[1][1]):
            self.add_row(*cells, key=key)
            self._cells[key] = cells
            self._order[key] = order

    def _patch(self, wanted: dict[str, tuple[tuple[Cell, ...], Any]], gone: list[str]) -> None:
        for key in gone:
            self.remove_row(key)
            del self._cells[key]
            self._order.pop(key, None)
        moved = False
        changed: dict[str, tuple[Cell, ...]] = {}
        for key, (cells, order) in wanted.items():
            previous = self._cells.get(key)
            if previous is None:
                self.add_row(*cells, key=key)
                moved = True
            elif previous is not cells and any(
                _look(old) != _look(new) for old, new in zip(previous, cells, strict=True)
            ):
                changed[key] = cells
            if self._order.get(key) != order:
                moved = True
            self._cells[key] = cells
            self._order[key] = order
        if changed:
            self._replace_rows(changed)
        if moved:
            # DataTable.sort hands the key function cells, not row keys: the first column
            # holds the key's text by contract, which leads back to the sort order.
            self.sort(self._column_names[0], key=lambda cell: self._order[_plain(cell)])


def _look(cell: Cell) -> tuple[str, str, tuple[object, ...]]:
    """What a cell shows: rich's Text compares text and spans but not the style."""
    if isinstance(cell, Text):
        return (cell.plain, str(cell.style), tuple(cell.spans))
    return (cell, "", ())


def _width(cell: Cell) -> int:
    if isinstance(cell, Text):
        return cell.cell_len
    # DataTable reads a string cell as markup: only a bracket can make its width differ.
    return Text.from_markup(cell).cell_len if "[" in cell else cell_len(cell)


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell
