"""The cursor keys shared by the console's lists that draw their own lines."""

from __future__ import annotations

from textual.binding import Binding

CURSOR_BINDINGS = [
    Binding("up", "cursor(-1)", "Up", show=False),
    Binding("down", "cursor(1)", "Down", show=False),
    Binding("pageup", "page(-1)", "Page up", show=False),
    Binding("pagedown", "page(1)", "Page down", show=False),
    Binding("home", "edge(-1)", "First", show=False),
    Binding("end", "edge(1)", "Last", show=False),
]


class CursorKeys:
    """Moves the widget's `cursor` reactive over its rows, kept in range; the widget says how
    many rows it has and how far a page goes. Put it before the widget's base class."""

    cursor: int
    row_count: int

    def page_rows(self) -> int:
        raise NotImplementedError

    def validate_cursor(self, value: int) -> int:
        count = self.row_count
        return max(0, min(value, count - 1)) if count else 0

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * self.page_rows()

    def action_edge(self, direction: int) -> None:
        self.cursor = 0 if direction < 0 else self.row_count - 1
