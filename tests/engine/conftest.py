from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from onwatch.collectors.specs import HttpCheck
from onwatch.engine import Engine, EngineOptions, EngineSettings, Watch, utc_now
from onwatch.engine.local_backend import LocalBackend
from onwatch.engine.notifying import Notifications
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Sample, Threshold
from onwatch.store import IncidentStore


class Scripted:
    """A collector that reports whatever the test says, optionally after a delay."""

    def __init__(self, watch: Watch, values: Callable[[], float | str], delay: float = 0) -> None:
        self.watch = watch
        self.values = values
        self.delay = delay
        self.calls = 0

    async def collect(self, now: datetime) -> list[Sample]:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        value = self.values()
        if isinstance(value, str):
            return [Sample.failed(self.watch.source, self.watch.name, "up", value, now)]
        return [Sample(self.watch.source, self.watch.name, "value", value, now)]


def watch(name: str, interval: float = 0.1, timeout: float = 10, **rule: float) -> Watch:
    probe = HttpCheck(name=name, url=f"http://{name}.invalid/", timeout=timedelta(seconds=timeout))
    rules = {"value": Threshold(**rule)} if rule else {}
    return Watch(probe=probe, interval=timedelta(seconds=interval), rules=rules)


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "incidents.json")


def make_engine(
    store: IncidentStore,
    collectors: dict[str, Scripted],
    notify: NotifySettings | None = None,
    **options: float,
) -> Engine:
    """An engine on scripted collectors; no desktop popups, a short storm hold."""
    notify = notify or NotifySettings(desktop=False)
    settings = EngineSettings(watches=tuple(c.watch for c in collectors.values()), notify=notify)
    return Engine(
        settings,
        store,
        operator="dana",
        build_collector=lambda w: collectors[w.name],
        options=EngineOptions(**options),
        notifications=Notifications(notify, utc_now, hold_seconds=0.05),
    )


async def wait_for(condition: Callable[[], bool], within: float = 10) -> None:
    """Poll a condition with a deadline: waiting for something to happen, not sleeping blind."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def console(engine: Engine, operator: str = "dana") -> LocalBackend:
    """The console's way in: the in-process backend over a running (or never started) engine."""
    return LocalBackend(engine, operator=operator, run_checks=False)
