"""The keyed row table: keys move its cursor, only the lines on screen are drawn, a changed
row is drawn again alone, and the cursor stays on its row as rows come, go and move."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip

from onwatch.tui.widgets.row_table import RowTable

SIZE = (80, 12)
"""Twelve lines: the header and eleven rows on screen."""
COLUMNS = ("NAME", "STATUS", "VALUE")


class CountingTable(RowTable):
    """Notes the key of every row line it is asked to draw."""

    def __init__(self) -> None:
        super().__init__(COLUMNS, {"STATUS": 8})
        self.drawn: list[str] = []

    def render_line(self, y: int) -> Strip:
        position = y - 1 + self.scroll_offset.y
        if y > 0 and position < self.row_count:
            self.drawn.append(self.keys[position])
        return super().render_line(y)


class TableApp(App[None]):
    def __init__(self, rows: list[tuple[str, tuple, object]]) -> None:
        super().__init__()
        self.rows = rows
        self.highlighted: list[str] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield CountingTable()

    def on_mount(self) -> None:
        table = self.query_one(CountingTable)
        table.sync(self.rows)
        table.focus()

    def on_row_table_highlighted(self, message: RowTable.Highlighted) -> None:
        self.highlighted.append(message.key)

    def on_row_table_selected(self, message: RowTable.Selected) -> None:
        self.selected.append(message.key)


def rows(count: int, value: str = "ok") -> list[tuple[str, tuple, object]]:
    return [(f"host-{n:03d}", (f"host-{n:03d}", "UP", value), n) for n in range(count)]


def line(table: RowTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


def shown(table: RowTable) -> list[str]:
    """The rows on screen, top to bottom, as their lines read."""
    return [line(table, y).split()[0] for y in range(1, table.size.height)]


async def test_keys_move_the_cursor_and_enter_selects_its_row() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.press("down", "down")
        assert table.selected_key == "host-002"
        await pilot.press("up")
        assert table.selected_key == "host-001"
        await pilot.press("end")
        assert table.selected_key == "host-099"
        await pilot.press("home", "pagedown")
        assert table.selected_key == "host-010"
        await pilot.press("up", "up", "up", "up", "up", "up", "up", "up", "up", "up", "up")
        assert table.selected_key == "host-000"  # held at the first row
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.highlighted == ["host-001", "host-002", "host-001", "host-099",
                                   "host-000", "host-010", "host-009", "host-008", "host-007",
                                   "host-006", "host-005", "host-004", "host-003", "host-002",
                                   "host-001", "host-000", "host-001"]  # fmt: skip
        assert app.selected == ["host-001"]


async def test_only_the_rows_on_screen_are_drawn() -> None:
    app = TableApp(rows(2000))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        assert set(table.drawn) == {f"host-{n:03d}" for n in range(11)}
        assert line(table, 0).split() == list(COLUMNS)


async def test_a_cursor_move_draws_only_the_two_lines_it_touches() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        table.drawn.clear()
        await pilot.press("down")
        await pilot.pause()
        assert sorted(table.drawn) == ["host-000", "host-001"]


async def test_a_changed_row_is_drawn_again_alone_with_its_new_cells() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        before = [line(table, y) for y in range(1, 12)]
        table.drawn.clear()
        same = [(key, table.cells(key), order) for key, _, order in rows(100)]
        same[4] = ("host-004", ("host-004", "DOWN", "fail"), 4)  # as wide as before
        table.sync(same)
        await pilot.pause()
        assert table.drawn == ["host-004"]
        after = [line(table, y) for y in range(1, 12)]
        assert "DOWN" in after[4] and "fail" in after[4]
        assert after[:4] + after[5:] == before[:4] + before[5:]


async def test_equal_cells_in_new_tuples_draw_nothing_again() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        table.drawn.clear()
        table.sync(rows(100))  # the same values, other tuples
        await pilot.pause()
        assert table.drawn == []


async def test_scrolling_keeps_the_header_and_shows_the_rows_below() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.press("end")
        await pilot.pause()
        assert shown(table)[-1] == "host-099"
        assert line(table, 0).split() == list(COLUMNS)
        await pilot.press("home")
        await pilot.pause()
        assert shown(table)[0] == "host-000"
        table.scroll_to(y=50, animate=False)
        await pilot.pause()
        assert shown(table)[0] == "host-050"
        assert "host-050" in table.drawn


async def test_rows_follow_their_sort_order_and_the_cursor_its_row() -> None:
    app = TableApp(rows(20))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.press("down", "down", "down")
        assert table.selected_key == "host-003"
        reversed_rows = [(key, cells, -order) for key, cells, order in rows(20)]
        table.sync(reversed_rows)
        await pilot.pause()
        assert table.keys[0] == "host-019"
        assert table.selected_key == "host-003"
        assert table.cursor == 16
        table.sync([row for row in reversed_rows if row[0] != "host-003"])
        await pilot.pause()
        assert table.row_count == 19
        assert table.selected_key == "host-002"  # the row that took its place


async def test_a_click_moves_the_cursor_to_the_row_and_selects_it() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.click(CountingTable, offset=(3, 4))  # the fourth row under the header
        await pilot.pause()
        assert table.selected_key == "host-003"
        assert app.selected == ["host-003"]


async def test_a_cells_background_stays_under_the_cursor_and_cells_are_not_markup() -> None:
    down = Text("DOWN", style="bold white on red")
    app = TableApp([("a", ("[b]a[/b]", down, "1"), 0), ("b", ("b", "UP", "2"), 1)])
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        assert line(table, 1).split()[0] == "[b]a[/b]"
        [status] = [s for s in table.render_line(1) if s.text == "DOWN"]
        assert status.style is not None and status.style.bgcolor.name == "red"
        # Widths fit the widest cell: the bracketed name, shown as it is.
        assert table.widths[0] == len("[b]a[/b]")


async def test_a_wider_cell_widens_its_column_on_every_row() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        changed = rows(100)
        changed[4] = ("host-004", ("host-004", "DOWN", "connection refused"), 4)
        table.sync(changed)
        await pilot.pause()
        assert table.widths[2] == len("connection refused")
        assert "connection refused" in line(table, 5)


async def test_the_row_under_the_mouse_is_highlighted_until_a_key_moves_the_cursor() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        before = table.render_line(3), table.render_line(4)
        await pilot.hover(CountingTable, offset=(3, 3))  # the third row under the header
        await pilot.pause()
        assert table.hover == 2
        hovered, below = table.render_line(3), table.render_line(4)
        assert hovered.text == before[0].text and hovered != before[0]  # same text, other look
        assert below == before[1]
        table.drawn.clear()
        await pilot.press("down")
        await pilot.pause()
        assert table.hover == -1
        assert sorted(table.drawn) == ["host-000", "host-001", "host-002"]
