"""The sources table on screen follows new values, row by row, and its cursor picks the source
that `s` silences."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from onwatch.engine.events import CheckRan
from onwatch.incidents import Sample
from onwatch.store import IncidentStore
from onwatch.tui.widgets.tables import SourcesTable
from tests.tui.conftest import NOW, build_app
from tests.tui.test_keys import open_dialog, settle, until

SIZE = (160, 48)


def drawn(table: SourcesTable, key: str) -> str:
    """The row's line as the table draws it now (the header is line 0)."""
    line = table.get_row_index(key) + 1 - int(table.scroll_offset.y)
    return "".join(segment.text for segment in table.render_line(line))


async def test_new_values_of_one_source_are_drawn_and_the_others_stay(
    store: IncidentStore, tmp_path: Path
) -> None:
    app = build_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(SourcesTable)
        web_before = drawn(table, "web-01")
        assert "HTTP 200" in drawn(table, "shop")
        engine = app.backend.engine
        at = NOW + timedelta(seconds=10)
        samples = (
            Sample("shop", "shop", "latency", 0.25, at),
            Sample("shop", "shop", "status", 503.0, at),
        )
        engine.history.add(list(samples))
        engine.bus.publish(CheckRan("shop", "shop", samples, at, at, timedelta(0)))
        await until(pilot, lambda: "HTTP 503" in drawn(table, "shop"))
        assert "HTTP 200" not in drawn(table, "shop")
        assert drawn(table, "web-01") == web_before


async def test_tab_focuses_the_sources_and_s_silences_the_source_under_the_cursor(
    store: IncidentStore, tmp_path: Path
) -> None:
    app = build_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(SourcesTable)
        first_row = table.render_line(1)
        await pilot.press("tab")
        await until(pilot, lambda: table.has_focus)
        # Focused, the cursor's row takes the focused cursor's colours.
        await until(pilot, lambda: table.render_line(1) != first_row)
        assert table.keys[:2] == ["api", "web-01"]  # failing first, worst first
        await pilot.press("down")
        assert table.selected_key == "web-01"
        await open_dialog(pilot, "s")
        await pilot.press("ctrl+u", *"1h", "enter", *"reboot", "enter")
        await until(pilot, lambda: len(app.backend.engine.pager.silences) == 1)
    (silence,) = app.backend.engine.silences.list()
    assert dict(silence.matchers) == {"source": "web-01"}
    assert silence.reason == "reboot"
