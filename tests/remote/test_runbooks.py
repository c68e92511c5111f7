"""A check's runbook from the server's config reaches a console on `--connect` as it does a
local one: served by `GET /v1/runbooks`, read by the remote backend, shown on the incident's
screen. A real server on 127.0.0.1 (tests/serve's), the real console through Pilot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from onwatch.remote import RemoteBackend
from onwatch.serve.routes_runbooks import shown_runbook
from onwatch.tui.app import OnwatchApp
from onwatch.tui.screens.incident import IncidentScreen
from onwatch.tui.widgets.incident_list import IncidentList
from tests.e2e.test_headless import closed_port
from tests.faults.test_sighup import BASE, start, stop, tcp
from tests.serve.conftest import GUIDE, OPERATOR_TOKEN, VIEWER_TOKEN, Live, start_live
from tests.serve.test_cli import free_port
from tests.serve.test_config_reload import OPERATOR, TOKENS
from tests.tui.conftest import FixedClock

SIZE = (120, 40)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    server, finish = start_live(tmp_path)
    yield server
    finish()


def incident_id_of(live: Live, check: str) -> int:
    return next(i.id for i in live.store.unclosed() if i.check == check)


def test_the_api_serves_each_checks_runbook_and_own_checklist(live: Live) -> None:
    with live.client(VIEWER_TOKEN) as viewer:
        answer = viewer.get("/v1/runbooks")
    assert answer.status_code == 200
    assert answer.json() == [
        {"check": "web-01", "runbook": GUIDE.runbook, "checklist": list(GUIDE.items)}
    ]
    with httpx.Client(base_url=live.url, timeout=5) as anonymous:
        assert anonymous.get("/v1/runbooks").status_code == 401


def test_a_runbook_address_never_carries_a_login() -> None:
    assert shown_runbook("https://ana:pw@wiki.example/db") == "https://wiki.example/db"
    assert shown_runbook("https://wiki.example/db#step-2") == "https://wiki.example/db#step-2"
    assert shown_runbook(None) is None and shown_runbook("") is None


async def test_the_remote_backend_knows_a_checks_runbook(live: Live) -> None:
    backend = RemoteBackend(live.url, VIEWER_TOKEN)
    await backend.start()
    try:
        web = backend.incident(incident_id_of(live, "web-01"))
        db = backend.incident(incident_id_of(live, "db-01"))
        assert web is not None and db is not None
        assert backend.runbook(web) == "https://wiki.example/cpu"
        assert backend.runbook(db) is None
    finally:
        await backend.stop()


async def test_a_remote_console_shows_the_runbook_on_the_incident_screen(
    live: Live, tmp_path: Path
) -> None:
    backend = RemoteBackend(live.url, OPERATOR_TOKEN)
    app = OnwatchApp(backend, clock=FixedClock(), settings_path=tmp_path / "settings.json")
    web = incident_id_of(live, "web-01")
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 20
        while not (backend.ready and backend.incident(web) is not None):
            assert time.monotonic() < deadline, "the console never loaded"
            await pilot.pause(0.02)
        app.query_one(IncidentList).select(web)
        await pilot.pause()
        await pilot.press("enter")
        while not isinstance(app.screen, IncidentScreen):
            assert time.monotonic() < deadline, "the incident screen never opened"
            await pilot.pause(0.02)
        assert app.screen.incident.id == web
        assert app.screen.runbook == "https://wiki.example/cpu"


async def test_a_reload_asked_from_the_console_brings_the_new_runbook(tmp_path: Path) -> None:
    config = tmp_path / "onwatch.toml"
    head = f'db = "{tmp_path / "incidents.json"}"\n' + TOKENS + BASE
    db_check = tcp("db", closed_port())
    config.write_text(head + db_check + 'runbook = "https://wiki.example/db-v1"\n')
    process, _, err = start(
        "serve", "--config", str(config), "--listen", f"127.0.0.1:{free_port()}"
    )
    backend = None
    try:
        url = err.wait("serving on ").strip().removeprefix("serving on ")
        backend = RemoteBackend(url, OPERATOR)
        await backend.start()
        deadline = time.monotonic() + 30
        while not any(i.check == "db" for i in backend.incidents()):
            assert time.monotonic() < deadline, "the db check never opened an incident"
            await asyncio.sleep(0.05)
        (incident,) = [i for i in backend.incidents() if i.check == "db"]
        assert backend.runbook(incident) == "https://wiki.example/db-v1"
        config.write_text(head + db_check + 'runbook = "https://wiki.example/db-v2"\n')
        outcome = await backend.reload_config()
        assert outcome.applied, outcome
        assert backend.runbook(incident) == "https://wiki.example/db-v2"
    finally:
        if backend is not None:
            await backend.stop()
        stop(process)
    assert process.returncode == 0
