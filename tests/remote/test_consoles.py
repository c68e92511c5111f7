"""Consoles on a server: what one operator does, the others see; what the server refuses, the
console says; a server that goes away and comes back is followed without a restart."""

from __future__ import annotations

import time
from pathlib import Path

from onwatch.incidents import State
from onwatch.remote import RemoteBackend
from onwatch.store import IncidentStore
from onwatch.tui.app import OnwatchApp
from onwatch.tui.widgets.incident_list import IncidentList
from onwatch.tui.widgets.status_bar import StatusBar
from tests.remote.server import OPERATOR_TOKEN, VIEWER_TOKEN, Server
from tests.tui.conftest import FixedClock

SIZE = (120, 40)


def console(server: Server, token: str, tmp_path: Path, name: str, **options) -> OnwatchApp:
    backend = RemoteBackend(server.url, token, **options)
    return OnwatchApp(backend, clock=FixedClock(), settings_path=tmp_path / f"{name}.json")


async def until(pilot, condition, seconds: float = 5.0) -> float:
    """Let the app run until `condition` holds; returns how long it took (bounded)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not there after {seconds}s")
        await pilot.pause(0.01)
    return time.monotonic() - started


async def select(pilot, incident_id: int) -> None:
    pilot.app.query_one(IncidentList).select(incident_id)
    await pilot.pause()


def status_text(app: OnwatchApp) -> str:
    return str(app.query_one(StatusBar).render())


def state_in(app: OnwatchApp, incident_id: int) -> State | None:
    incident = app.backend.incident(incident_id)
    return None if incident is None else incident.state


async def test_an_ack_in_one_console_shows_in_the_other_within_a_second(
    server: Server, tmp_path: Path
) -> None:
    first = console(server, OPERATOR_TOKEN, tmp_path, "first")
    second = console(server, VIEWER_TOKEN, tmp_path, "second")
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        await until(one, lambda: first.backend.ready and 1 in shown_ids(first))
        await until(two, lambda: second.backend.ready and 1 in shown_ids(second))
        assert first.backend.operator == "dana"
        assert first.backend.engine_holder.startswith(f"server: {server.url}, engine: pid ")
        await select(one, 1)
        await one.press("a")
        await until(one, lambda: state_in(first, 1) is State.ACKNOWLEDGED)
        took = await until(two, lambda: state_in(second, 1) is State.ACKNOWLEDGED, seconds=1.0)
        assert took < 1.0
    acked = IncidentStore(server.db).get(1)
    assert acked.state is State.ACKNOWLEDGED
    assert (acked.timeline[-1].kind, acked.timeline[-1].by) == ("acknowledged", "dana")


async def test_a_viewer_cannot_acknowledge_and_is_told_so(server: Server, tmp_path: Path) -> None:
    before = IncidentStore(server.db).get(1)
    app = console(server, VIEWER_TOKEN, tmp_path, "viewer")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.backend.ready and 1 in shown_ids(app))
        await select(pilot, 1)
        await pilot.press("a")
        await until(pilot, lambda: any("not done" in n.title for n in app._notifications))
        refusal = next(n for n in app._notifications if n.title == "not done")
        assert "viewer" in refusal.message  # the server's reason, in one line
        assert VIEWER_TOKEN not in refusal.message
        assert state_in(app, 1) is State.TRIGGERED
    assert IncidentStore(server.db).get(1) == before


async def test_the_console_says_the_server_is_gone_and_recovers_when_it_is_back(
    server: Server, tmp_path: Path
) -> None:
    app = console(server, OPERATOR_TOKEN, tmp_path, "restart", backoff_first=0.05, backoff_max=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.backend.ready and 1 in shown_ids(app))
        server.stop()
        await until(pilot, lambda: "unreachable" in status_text(app))
        assert "last heard" in status_text(app)
        assert 1 in shown_ids(app)  # the last known picture stays, under the banner
        assert any("unreachable" in n.message for n in app._notifications)

        server.start()  # the same port, the same store
        await until(pilot, lambda: app.backend.connected, seconds=20)
        await until(pilot, lambda: "unreachable" not in status_text(app))
        # Somebody acts on the server's machine: the restarted engine picks it up from the
        # store and streams it to this console.
        done = server.onwatch("incidents", "ack", "2", "--by", "lee")
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: state_in(app, 2) is State.ACKNOWLEDGED)
        assert app.backend.incident(2).timeline[-1].by == "lee"


def shown_ids(app: OnwatchApp) -> list[int]:
    return [row.id for row in app.query_one(IncidentList).rows]
