"""The incident screen shows what was captured as the incident opened."""

from __future__ import annotations

from pathlib import Path

from onwatch.engine.recorder import record
from onwatch.incidents import Breach, Category, Severity
from onwatch.store import IncidentStore
from onwatch.tui.screens.incident import IncidentScreen
from tests.tui.conftest import NOW, build_app
from tests.tui.test_keys import SIZE, select, settle, until
from tests.tui.test_people_keys import shown_text


async def test_incident_screen_shows_the_evidence_captured_at_detection(
    store: IncidentStore, tmp_path: Path
) -> None:
    record(
        store,
        [
            Breach(
                source="shop",
                check="shop",
                metric="up",
                severity=Severity.CRITICAL,
                category=Category.AVAILABILITY,
                value=None,
                threshold=None,
                title="shop: unexpected status 503",
                at=NOW,
                evidence={
                    "status": 503,
                    "address": "10.0.0.7:443",
                    "seconds": 0.0421,
                    "headers": {"server": "nginx", "set-cookie": "***"},
                    "body": "upstream unavailable\nretry later",
                },
            )
        ],
    )
    app = build_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 4)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await pilot.pause()
        assert app.screen.query_one("#evidence").display
        evidence = shown_text(app, "#evidence")
        # An incident without evidence shows no empty section.
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, IncidentScreen))
        await select(pilot, 2)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await pilot.pause()
        assert not app.screen.query_one("#evidence").display
        assert not app.screen.query_one("#evidence-title").display
    assert "status: 503" in evidence
    assert "address: 10.0.0.7:443" in evidence
    assert "set-cookie: ***" in evidence
    assert "upstream unavailable" in evidence and "retry later" in evidence
