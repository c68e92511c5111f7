"""A table of keyed rows that draws only the lines on screen, each kept until its row changes.

DataTable keys every cached line on the cursor's position and on one counter of all updates:
a moved cursor or a new value in any one row renders every row on screen again, cell by cell,
and adding, removing or sorting rows re-indexes the whole table. Here a row's line is drawn
once and kept under its key until its cells, the cursor's place on it or the look of the
table change; moving the cursor redraws two lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from onwatch.tui.widgets.cells import Cell, fit, looks, width_of
from onwatch.tui.widgets.cursor_keys import CURSOR_BINDINGS, CursorKeys

PARTS = ("header", "cursor", "hover")
PADDING = 1
"""Blank cells on each side of every column, as DataTable's default."""


class _RowMessage(Message):
    def __init__(self, table: RowTable, key: str) -> None:
        super().__init__()
        self.table, self.key = table, key


class RowTable(CursorKeys, ScrollView, can_focus=True):
    """Rows shown in sort order under a fixed header, with a cursor that stays on its row's key
    as rows come, go and move."""

    BINDINGS = [
        *CURSOR_BINDINGS,
        Binding("enter", "select", "Select", show=False),
    ]

    COMPONENT_CLASSES = {"row-table--header", "row-table--cursor", "row-table--hover"}

    # The look of a DataTable with a row cursor, so the console reads as it did.
    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .row-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .row-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .row-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .row-table--hover {
            background: $block-hover-background;
        }
        & > .row-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    cursor: reactive[int] = reactive(0, repaint=False)
    """Moving it redraws the two lines it leaves and comes to (watch_cursor), not the view."""
    hover: reactive[int] = reactive(-1, repaint=False)
    """The row under the mouse pointer, -1 for none (a key moving the cursor hides it)."""

    class Highlighted(_RowMessage):
        """The cursor came to another row."""

    class Selected(_RowMessage):
        """The operator chose the row under the cursor (enter, or a click)."""

    def __init__(
        self, columns: Sequence[str], widths: dict[str, int] | None = None, **kwargs: Any
    ) -> None:
        """`widths` fixes some columns' widths; the others fit the widest cell shown."""
        super().__init__(**kwargs)
        self.columns = tuple(columns)
        self._fixed = dict(widths or {})
        self.widths: tuple[int, ...] = tuple(self._fixed.get(c, cell_len(c)) for c in columns)
        self.keys: list[str] = []
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._index: dict[str, int] = {}
        self._strips: dict[str, tuple[tuple[Cell, ...], tuple[object, ...], Strip]] = {}
        self._frame: tuple[Style, Style, Style, Style] | None = None

    # --- content -------------------------------------------------------------------------------

    def sync(self, rows: Sequence[tuple[str, tuple[Cell, ...], Any]]) -> None:
        """Show exactly `rows` (key, cells, sort key), in sort-key order, the cursor kept on
        its key. Handing over the very cells a row was shown with skips comparing them."""
        selected = self.selected_key
        cells: dict[str, tuple[Cell, ...]] = {}
        order: dict[str, Any] = {}
        changed: set[str] = set()
        for key, row_cells, row_order in rows:
            before = self._cells.get(key)
            if before is not None and before is not row_cells:
                if looks(before) == looks(row_cells):
                    row_cells = before  # as shown: its kept line still stands
                else:
                    changed.add(key)
            cells[key] = row_cells
            order[key] = row_order
        keys = sorted(cells, key=order.__getitem__)
        moved = keys != self.keys
        self._cells = cells
        for key in changed:
            self._strips.pop(key, None)
        if moved:
            self.keys = keys
            self._index = {key: position for position, key in enumerate(keys)}
            self._strips = {k: v for k, v in self._strips.items() if k in self._index}
        widths = self._measure()
        if widths != self.widths:
            self.widths = widths
            self._strips.clear()
            moved = True
        self.virtual_size = Size(sum(widths) + 2 * PADDING * len(widths), len(keys) + 1)
        if selected is not None and selected in self._index:
            self.set_reactive(RowTable.cursor, self._index[selected])
        self.cursor = self.cursor  # held within the rows there are now
        if moved:
            self.refresh()
        else:
            for key in changed:
                self._refresh_position(self._index[key])

    def _measure(self) -> tuple[int, ...]:
        widths = []
        for index, name in enumerate(self.columns):
            fixed = self._fixed.get(name)
            if fixed is not None:
                widths.append(fixed)
                continue
            widest = cell_len(name)
            for cells in self._cells.values():
                widest = max(widest, width_of(cells[index]))
            widths.append(widest)
        return tuple(widths)

    @property
    def row_count(self) -> int:
        return len(self.keys)

    @property
    def selected_key(self) -> str | None:
        if not self.keys:
            return None
        return self.keys[min(self.cursor, len(self.keys) - 1)]

    def get_row_index(self, key: str) -> int:
        """The row's position from the top, header not counted; KeyError if not shown."""
        return self._index[key]

    def cells(self, key: str) -> tuple[Cell, ...]:
        return self._cells[key]

    # --- cursor ----------------------------------------------------------------------------------

    def page_rows(self) -> int:
        return max(1, self.size.height - 2)

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_position(old)
        self._refresh_position(new)
        # Row p is virtual line p + 1; the header covers the top line of the view.
        self.scroll_to_region(
            Region(0, new + 1, 1, 1), spacing=Spacing(top=1), animate=False, force=True
        )
        self.hover = -1
        if self.keys and old != new:
            self.post_message(self.Highlighted(self, self.keys[new]))

    def watch_hover(self, old: int, new: int) -> None:
        self._refresh_position(old)
        self._refresh_position(new)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hover = event.y - 1 + self.scroll_offset.y if event.y >= 1 else -1

    def on_leave(self, event: events.Leave) -> None:
        self.hover = -1

    def _refresh_position(self, position: int) -> None:
        y = position + 1 - self.scroll_offset.y
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def action_select(self) -> None:
        if self.keys:
            self.post_message(self.Selected(self, self.keys[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        position = event.y - 1 + self.scroll_offset.y
        if event.y >= 1 and 0 <= position < len(self.keys):
            self.cursor = position
            self.action_select()

    # --- drawing ---------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles are looked up once a frame, not once a line: each lookup walks the DOM.
        self._frame = self._styles()
        return super().render_lines(crop)

    def _styles(self) -> tuple[Style, Style, Style, Style]:
        return (
            self.rich_style,
            *(self.get_component_rich_style(f"row-table--{part}") for part in PARTS),
        )

    def render_line(self, y: int) -> Strip:
        base, header, cursor, hover = self._frame or self._styles()
        width = self.size.width
        x = self.scroll_offset.x
        if y == 0:
            return self._strip(self._row_text(self.columns), base + header, width, x)
        position = y - 1 + self.scroll_offset.y
        if position >= len(self.keys):
            return Strip.blank(width, base)
        key = self.keys[position]
        cells = self._cells[key]
        on_cursor = position == self.cursor
        on_hover = position == self.hover and not on_cursor
        look = (on_cursor, on_hover, width, x, self.widths, base, cursor, hover)
        # A scroll or a moved cursor asks for lines whose rows are as they were.
        kept = self._strips.get(key)
        if kept is not None and kept[0] is cells and kept[1] == look:
            return kept[2]
        text = self._row_text(cells)
        style, post = (base + hover if on_hover else base), None
        if on_cursor:
            # As DataTable's cursor by default: its colour over the cells' own, its background
            # under theirs (a DOWN stays red on the cursor's row).
            style = base + cursor
            post = Style.from_color(color=cursor.color)
        strip = self._strip(text, style, width, x, post)
        self._strips[key] = (cells, look, strip)
        return strip

    def _row_text(self, cells: Sequence[Cell]) -> Text:
        text = Text(no_wrap=True, end="")
        for cell, column_width in zip(cells, self.widths, strict=True):
            text.append(" " * PADDING)
            fitted = fit(cell, column_width)
            text.append_text(fitted)
            # Filled outside the cell's own style: a DOWN's red covers the word, not the column.
            text.append(" " * (column_width - fitted.cell_len + PADDING))
        return text

    def _strip(
        self, text: Text, style: Style, width: int, x: int, post: Style | None = None
    ) -> Strip:
        text.no_wrap = True
        text.end = ""
        segments = Segment.apply_style(list(text.render(self.app.console)), style, post)
        strip = Strip(segments, text.cell_len)
        # Padded to the widget's width in the row's own style: a cursor spans the whole line.
        return strip.crop_extend(x, x + width, style)
