"""The open incidents' list draws again only what a key changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.strip import Strip

from onwatch.store import IncidentStore
from onwatch.tui.widgets.incident_list import IncidentList
from tests.tui.conftest import build_app
from tests.tui.test_keys import settle

SIZE = (160, 48)


async def test_down_draws_only_the_two_lines_the_cursor_leaves_and_comes_to(
    store: IncidentStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[int] = []
    render_line = IncidentList.render_line

    def counting(self: IncidentList, y: int) -> Strip:
        drawn.append(y + self.scroll_offset.y)
        return render_line(self, y)

    monkeypatch.setattr(IncidentList, "render_line", counting)
    app = build_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        incidents = app.screen.query_one(IncidentList)
        assert incidents.row_count == 3
        drawn.clear()
        await pilot.press("down")
        await pilot.pause()
        assert incidents.cursor == 1
        assert sorted(drawn) == [0, 1]
