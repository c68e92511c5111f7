"""Wall mode's tiles: every source something is wrong with, watched here or not."""

from __future__ import annotations

from pathlib import Path

from onwatch.engine.recorder import record
from onwatch.incidents import Category, Severity
from onwatch.store import IncidentStore
from onwatch.tui.screens.wall import Tile, WallScreen
from tests.tui.conftest import breach, build_app
from tests.tui.test_keys import settle, until

SIZE = (120, 40)


def tile_names(screen: WallScreen) -> list[str]:
    return [str(tile.render()).split("\n")[0] for tile in screen.query(Tile)]


async def test_wall_shows_a_source_with_an_incident_but_no_check_here(
    store: IncidentStore, tmp_path: Path
) -> None:
    # An alert about a source no check of this console watches (a report, Alertmanager).
    record(
        store,
        [
            breach(
                "printer-3",
                "alertmanager",
                "up",
                Severity.CRITICAL,
                "printer-3 is out of paper",
                3,
                Category.AVAILABILITY,
            )
        ],
    )
    app = build_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, WallScreen))
        screen = app.screen
        await until(pilot, lambda: "printer-3" in tile_names(screen))
        names = tile_names(screen)
        # Failing first, and the watched sources are all still there.
        assert {"web-01", "api", "shop", "printer-3"} <= set(names)
        tile = next(t for t in screen.query(Tile) if str(t.render()).startswith("printer-3"))
        assert "printer-3 is out of paper" in str(tile.render())
