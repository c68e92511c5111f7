"""Wall mode: big, plain, readable across a room; failing sources first; pages by itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, Static

from onwatch.incidents import Severity
from onwatch.incidents.board import SourceRow, Summary, source_rows, summarize
from onwatch.tui.messages import BackendChanged

if TYPE_CHECKING:
    from onwatch.tui.app import OnwatchApp

PAGE_SECONDS = 5.0
CLOCK_SECONDS = 1.0
TILE_WIDTH = 24
TILE_HEIGHT = 5
MAX_TILE_HEIGHT = 15


class Tile(Static):
    def show(self, row: SourceRow) -> None:
        self.set_classes(f"tile {row.status.css_class}")
        text = Text()
        text.append(row.name, style="bold")
        text.append("\n")
        text.append(row.status.label, style="bold")
        if row.failing_title:
            text.append("\n" + row.failing_title)
        if row.failing_owner:
            text.append(f"\nowner: {row.failing_owner}", style="italic")
        self.update(text)


class WallScreen(Screen[None]):
    """No key here changes anything; `w` or `esc` leaves."""

    BINDINGS = [Binding("w,escape", "app.wall", "Leave wall mode")]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SourceRow] = []
        self.page = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="wall-top"):
            for severity in (Severity.CRITICAL, Severity.WARNING, Severity.INFO):
                with Vertical(classes=f"wall-count count-{severity.value}"):
                    yield Static(severity.value.upper(), classes="wall-label")
                    yield Digits("0", id=f"count-{severity.value}")
            with Vertical(classes="wall-count count-age"):
                yield Static("UNACKED", classes="wall-label", id="oldest-label")
                yield Digits("-", id="oldest")
            with Vertical(classes="wall-count count-clock"):
                yield Static("TIME", classes="wall-label")
                yield Digits("--:--", id="clock")
        yield Grid(id="wall-tiles")
        yield Static(id="wall-page")

    def on_mount(self) -> None:
        self.set_interval(PAGE_SECONDS, self.next_page)
        self.set_interval(CLOCK_SECONDS, self.refresh_view)
        self.call_after_refresh(self.refresh_view, sources=True)

    @on(BackendChanged)
    def _backend_changed(self) -> None:
        app: OnwatchApp = self.app  # type: ignore[assignment]
        app.take_changes()
        self.refresh_view(sources=True)

    def refresh_view(self, *, sources: bool = False) -> None:
        """Show what the backend knows now; the tiles are rebuilt only when something changed
        (the clock and the ages move on every second)."""
        app: OnwatchApp = self.app  # type: ignore[assignment]
        backend = app.backend
        now = app.clock()
        incidents = list(backend.incidents())
        rows = source_rows(backend.sources(), incidents, unwatched=True) if sources else self.rows
        summary = summarize(incidents, (r.status for r in rows), backend.last_poll, now)
        self.show(rows, summary, now)

    def capacity(self) -> int:
        grid = self.query_one("#wall-tiles", Grid)
        width = max(grid.size.width, TILE_WIDTH)
        height = max(grid.size.height, TILE_HEIGHT)
        return max(1, (width // TILE_WIDTH) * (height // TILE_HEIGHT))

    def next_page(self) -> None:
        pages = self.page_count()
        self.page = (self.page + 1) % pages if pages else 0
        self._render_tiles()

    def page_count(self) -> int:
        per_page = self.capacity()
        return max(1, -(-len(self.rows) // per_page))

    def show(self, rows: list[SourceRow], summary: Summary, now: datetime) -> None:
        self.rows = rows
        counts = dict(summary.open_by_severity)
        for severity in (Severity.CRITICAL, Severity.WARNING, Severity.INFO):
            self.query_one(f"#count-{severity.value}", Digits).update(str(counts[severity]))
        oldest = summary.oldest_unacknowledged
        self.query_one("#oldest", Digits).update(_age(oldest))
        unit = "h:mm" if oldest is not None and oldest.total_seconds() >= 3600 else "m:ss"
        self.query_one("#oldest-label", Static).update(f"UNACKED {unit}")
        self.query_one("#clock", Digits).update(now.astimezone().strftime("%H:%M"))
        self.page = min(self.page, self.page_count() - 1)
        self._render_tiles()

    def _render_tiles(self) -> None:
        grid = self.query_one("#wall-tiles", Grid)
        per_page = self.capacity()
        visible = self.rows[self.page * per_page : (self.page + 1) * per_page]
        # Few sources get big tiles; many get the smallest that still reads.
        columns = max(1, min(len(visible), grid.size.width // TILE_WIDTH))
        rows = max(1, -(-len(visible) // columns))
        height = max(TILE_HEIGHT, min(MAX_TILE_HEIGHT, grid.size.height // rows))
        grid.styles.grid_size_columns = columns
        grid.styles.grid_rows = str(height)
        tiles = list(grid.query(Tile))
        with self.app.batch_update():
            for tile in tiles[len(visible) :]:
                tile.remove()
            for index, row in enumerate(visible):
                if index < len(tiles):
                    tiles[index].show(row)
                else:
                    tile = Tile()
                    grid.mount(tile)
                    tile.show(row)
        pages = self.page_count()
        label = f"page {self.page + 1} of {pages}" if pages > 1 else ""
        self.query_one("#wall-page", Static).update(label)

    def on_resize(self) -> None:
        self.call_after_refresh(self._render_tiles)


def _age(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    # Digits draws digits and a few symbols, no unit letters: m:ss under an hour, else h:mm.
    seconds = int(delta.total_seconds())
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"
