"""The open incidents as a virtual list: only the rows on screen are ever drawn.

DataTable keeps a widget-side copy of every row and re-indexes, re-sorts and re-measures
them as they change; with hundreds of open incidents a filter key took a quarter of a second.
Here a key press replaces a Python list and redraws the visible lines, whatever the count.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from onwatch.incidents import Severity, State
from onwatch.tui.incident_view import WIDE, IncidentRow, ListLayout, layout_for
from onwatch.tui.widgets.cursor_keys import CURSOR_BINDINGS, CursorKeys

SEVERITY_STYLES = {
    Severity.CRITICAL: Style(color="red", bold=True),
    Severity.WARNING: Style(color="yellow"),
    Severity.INFO: Style(color="cyan"),
}


def _fit(text: str, width: int) -> str:
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.ljust(width)


def header_text(layout: ListLayout = WIDE) -> Text:
    cells = [_fit(column.name, column.width) for column in layout.columns]
    return Text(layout.gap.join([*cells, "TITLE"]), style="bold", no_wrap=True, end="")


class IncidentList(CursorKeys, ScrollView, can_focus=True):
    """Rows of incidents with a cursor that stays on the same incident as rows come and go."""

    BINDINGS = [
        *CURSOR_BINDINGS,
        Binding("enter", "open", "Open", show=False),
    ]

    COMPONENT_CLASSES = {"incident-list--cursor", "incident-list--flash"}

    DEFAULT_CSS = """
    IncidentList > .incident-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    IncidentList:blur > .incident-list--cursor {
        background: $block-cursor-blurred-background;
        text-style: none;
    }
    IncidentList > .incident-list--flash {
        text-style: reverse bold;
    }
    """

    cursor: reactive[int] = reactive(0, repaint=False)
    """Moving it redraws the two lines it leaves and comes to (watch_cursor), not the view."""

    class LayoutChanged(Message):
        """The list's width called for other columns: the header above it should follow."""

        def __init__(self, layout: ListLayout) -> None:
            super().__init__()
            self.layout = layout

    class Opened(Message):
        """The operator asked to open an incident (enter, or a click on the selected row)."""

        def __init__(self, incident_id: int) -> None:
            super().__init__()
            self.incident_id = incident_id

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[IncidentRow] = []
        self._index: dict[str, int] = {}
        self._flashing: frozenset[str] = frozenset()
        self.columns: ListLayout = WIDE
        self._frame: tuple[Style, Style] | None = None
        self._strips: dict[str, tuple[IncidentRow, tuple[object, ...], Strip]] = {}

    # --- content -------------------------------------------------------------------------------

    def show(self, rows: Sequence[IncidentRow], flashing: frozenset[str] = frozenset()) -> None:
        """Show `rows` in sort-key order, keeping the cursor on the incident it was on."""
        selected = self.selected_key
        ordered = sorted(rows, key=lambda row: row.sort_key)
        if (
            [r.key for r in ordered] == [r.key for r in self.rows]
            and all(a is b for a, b in zip(ordered, self.rows, strict=True))
            and flashing == self._flashing
        ):
            return
        self.rows = ordered
        self._index = {row.key: position for position, row in enumerate(ordered)}
        self._strips = {k: v for k, v in self._strips.items() if k in self._index}
        self._flashing = flashing
        self.virtual_size = Size(self.size.width, len(ordered))
        if selected is not None and selected in self._index:
            self.set_reactive(IncidentList.cursor, self._index[selected])
        self.cursor = min(self.cursor, max(0, len(ordered) - 1))
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def selected_key(self) -> str | None:
        if not self.rows:
            return None
        return self.rows[min(self.cursor, len(self.rows) - 1)].key

    @property
    def selected_id(self) -> int | None:
        key = self.selected_key
        return None if key is None else int(key)

    def select(self, incident_id: int) -> None:
        position = self._index.get(str(incident_id))
        if position is not None:
            self.cursor = position

    def position_of(self, incident_id: int) -> int | None:
        return self._index.get(str(incident_id))

    def row(self, incident_id: int) -> IncidentRow | None:
        position = self._index.get(str(incident_id))
        return None if position is None else self.rows[position]

    # --- cursor ----------------------------------------------------------------------------------

    def page_rows(self) -> int:
        return max(1, self.size.height - 1)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows))
        layout = layout_for(event.size.width)
        if layout is not self.columns:
            self.columns = layout
            self.post_message(self.LayoutChanged(layout))
            self.refresh()

    def refresh_line(self, row: int) -> None:
        y = row - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def action_open(self) -> None:
        if self.rows:
            self.post_message(self.Opened(int(self.rows[self.cursor].key)))

    def on_click(self, event: events.Click) -> None:
        position = event.y + self.scroll_offset.y
        if 0 <= position < len(self.rows):
            if position == self.cursor and event.chain >= 2:
                self.action_open()
            self.cursor = position

    # --- drawing ---------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles are looked up once a frame, not once a line: each lookup walks the DOM.
        self._frame = (self.rich_style, self.get_component_rich_style("incident-list--cursor"))
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        position = y + self.scroll_offset.y
        width = self.size.width
        base, cursor = self._frame or (self.rich_style, None)
        if position >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[position]
        look = (
            position == self.cursor,
            row.key in self._flashing,
            self.columns,
            width,
            self.scroll_offset.x,
            base,
            cursor,
        )
        # A scroll or a moved cursor redraws every line on screen; most are as they were.
        kept = self._strips.get(row.key)
        if kept is not None and kept[0] is row and kept[1] == look:
            return kept[2]
        text = self._line(row)
        if look[0]:
            text.stylize(cursor or self.get_component_rich_style("incident-list--cursor"))
        segments = list(text.render(self.app.console))
        strip = Strip(Segment.apply_style(segments, base), text.cell_len)
        strip = strip.crop_extend(self.scroll_offset.x, self.scroll_offset.x + width, base)
        self._strips[row.key] = (row, look, strip)
        return strip

    def _line(self, row: IncidentRow) -> Text:
        layout = self.columns
        cells = row.compact if layout.compact else row.cells
        text = Text(no_wrap=True, end="")
        for column in layout.columns:
            style: Style | str = ""
            if column.cell == 0 and row.key in self._flashing:
                style = self.get_component_rich_style("incident-list--flash")
            elif column.cell == 2:
                style = SEVERITY_STYLES[row.severity]
            elif column.cell == 3:
                style = _state_style(row)
            text.append(_fit(cells[column.cell], column.width), style=style)
            text.append(layout.gap)
        text.append(cells[-1])
        return text


def _state_style(row: IncidentRow) -> Style | str:
    if row.state is State.TRIGGERED:
        return SEVERITY_STYLES[row.severity]
    if row.state is State.RESOLVED:
        return Style(dim=True)
    return ""
