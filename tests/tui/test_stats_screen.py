"""The stats screen: `S` opens it, the figures come from the store in a worker, keys change
the range and whether drills count."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Sparkline, Static

from onwatch.store import IncidentStore
from onwatch.tui.screens.main import MainScreen
from onwatch.tui.screens.stats import StatsScreen
from tests.e2e.test_cli_history import incident
from tests.tui.conftest import NOW, build_app
from tests.tui.test_keys import SIZE, until


def archive_history(store: IncidentStore) -> None:
    """Closed incidents 10, 20 and 60 days before the console's clock, and a drill 2 days before."""
    shift = NOW - incident(1, 0).created_at  # the helper counts back from the real now
    with store.transaction() as txn:
        for n, days in ((10, 10), (11, 20), (12, 60)):
            closed = incident(n, days)
            txn.put(_moved(closed, shift))
        txn.put(_moved(incident(13, 2, title="DRILL: failover"), shift))
        while txn.next_id() < 14:
            pass


def _moved(found, shift: timedelta):
    import dataclasses

    times = ("created_at", "last_seen_at", "acknowledged_at", "resolved_at", "closed_at")
    return dataclasses.replace(
        found, **{t: getattr(found, t) + shift for t in times if getattr(found, t) is not None}
    )


def title(app) -> str:
    return str(app.screen.query_one("#stats-title", Static).render())


async def test_stats_key_shows_the_history_counted_and_per_day(
    store: IncidentStore, tmp_path: Path
) -> None:
    archive_history(store)
    app = build_app(store, tmp_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.figures)
        screen = app.screen
        # Three open incidents (minutes old) and the closed ones of 10 and 20 days ago.
        assert title(app) == "Stats over 30 days: 5 incidents"
        chart = screen.query_one("#stats-per-day", Sparkline)
        assert len(chart.data) == 31 and sum(chart.data) == 5
        severity = screen.query_one("#stats-severity", DataTable)
        counts = {
            severity.get_row_at(i)[0]: int(severity.get_row_at(i)[1])
            for i in range(severity.row_count)
        }
        assert sum(counts.values()) == 5
        assert screen.query_one("#stats-times", DataTable).row_count == 2

        await pilot.press("f")  # 7 days: only the three open ones
        await until(pilot, lambda: title(app) == "Stats over 7 days: 3 incidents")
        assert len(screen.query_one("#stats-per-day", Sparkline).data) == 8

        await pilot.press("d")  # the drill two days ago counts now
        await until(pilot, lambda: title(app) == "Stats over 7 days: 4 incidents, drills included")

        await pilot.press("f", "f")  # 365 days: the one of 60 days ago too
        await until(pilot, lambda: title(app).startswith("Stats over 365 days: 7 incidents"))

        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_stats_are_in_the_command_palette(store: IncidentStore, tmp_path: Path) -> None:
    from onwatch.tui.commands import commands_for

    app = build_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in commands_for(app.screen)]
        assert any(t.startswith("Stats:") for t in titles)
