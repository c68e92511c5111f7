"""A real server: the app under uvicorn on a free loopback port, in a thread with its own event
loop (so synchronous clients, schemathesis included, can talk to it), over TinyDB in tmp_path."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from onwatch.collectors.specs import LocalCheck
from onwatch.engine import Engine, EngineSettings, Watch
from onwatch.engine.notifying import Notifications
from onwatch.engine.recorder import record
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Breach, Category, Sample, Severity
from onwatch.incidents.checklist import Guide
from onwatch.incidents.people import Role
from onwatch.serve import Token, create_app, serve_forever
from onwatch.store import ChangeStore, IncidentStore, SilenceStore

OPERATOR_TOKEN = "op-Secret-7f3a9c"
VIEWER_TOKEN = "view-Secret-2b8d1e"
TOKENS = (Token("dana", "operator", OPERATOR_TOKEN), Token("vic", "viewer", VIEWER_TOKEN))
SECRETS = (OPERATOR_TOKEN, VIEWER_TOKEN)
GUIDE = Guide(items=("Look at cron",), runbook="https://wiki.example/cpu")
"""What the config adds to the checklist of web-01's incidents (the check is named web-01)."""


def breach(source: str, metric: str, severity: Severity, title: str, minutes_ago: float) -> Breach:
    return Breach(
        source=source,
        check=source,
        metric=metric,
        severity=severity,
        category=Category.RESOURCE,
        value=95.0,
        threshold=90.0,
        title=title,
        at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
    )


def seed(store: IncidentStore) -> None:
    record(
        store,
        [
            breach("web-01", "cpu", Severity.CRITICAL, "web-01 cpu 95% above 90%", 40),
            breach("db-01", "disk", Severity.WARNING, "db-01 disk 95% above 90%", 20),
            breach("cache", "memory", Severity.WARNING, "cache memory 95% above 90%", 5),
        ],
    )


@dataclass
class Live:
    url: str
    engine: Engine
    store: IncidentStore
    silences: SilenceStore
    loop: asyncio.AbstractEventLoop
    changes: ChangeStore | None = None

    def client(self, token: str | None = OPERATOR_TOKEN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=5.0)

    def call(self, fn, *args):
        """Run `fn` on the server's loop (the engine is not thread-safe) and return its result."""

        async def run():
            return fn(*args)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(5)


def start_live(
    tmp_path: Path,
    *,
    tokens: tuple[Token, ...] = TOKENS,
    roles: tuple[Role, ...] = (),
    resolution_required: bool = False,
    **options: object,
):
    store = IncidentStore(tmp_path / "incidents.json")
    silences = SilenceStore(tmp_path / "silences.json")
    changes = ChangeStore(tmp_path / "changes.json")
    seed(store)
    settings = EngineSettings(
        watches=(Watch(probe=LocalCheck(name="local", source="web-01")),),
        notify=NotifySettings(desktop=False, roles=roles),
        resolution_required=resolution_required,
        guides={"web-01": GUIDE},
    )
    engine = Engine(
        settings,
        store,
        operator="root-op",
        notifications=Notifications(settings.notify, lambda: datetime.now(UTC)),
        silences=silences,
        changes=changes,
    )
    now = datetime.now(UTC)
    engine.history.add([Sample("web-01", "local", "cpu", 42.0, now)])
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    address: list[str] = []

    async def main() -> None:
        await engine.reload()
        await engine.start(schedule=False)
        app = create_app(
            engine, tokens=tokens, operator="root-op", engine_holder="pid 1 on test", **options
        )

        def bound(where: str) -> None:
            address.append(where)
            ready.set()

        try:
            await serve_forever(app, "127.0.0.1", 0, stop, ready=bound)
        finally:
            await engine.stop(within=1.0)

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10), "the server did not start"
    live = Live(f"http://{address[0]}", engine, store, silences, loop, changes)

    def finish() -> None:
        loop.call_soon_threadsafe(stop.set)
        thread.join(15)
        assert not thread.is_alive(), "the server did not stop"
        loop.close()

    return live, finish


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    server, finish = start_live(tmp_path)
    yield server
    finish()
