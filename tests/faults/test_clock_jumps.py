"""The wall clock jumping back an hour and forward a day under a running engine: no negative
duration anywhere, no storm of timers (no "no data" for checks that just ran, one reminder at
most), and silence is still noticed after the jump, counted in time that really passed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from onwatch.engine import Engine, EngineOptions, EngineSettings
from onwatch.engine.notifying import Notifications
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import EntryKind
from onwatch.notify import Channel
from onwatch.store import IncidentStore
from tests.engine.conftest import Scripted, watch
from tests.support.receiver import Receiver

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
NEGATIVE = re.compile(r"-\d+(ms|s|m|h|d)\b")


class Clocks:
    """A wall clock the test can jump, and the time that really passed, moved together."""

    def __init__(self) -> None:
        self.wall = T0
        self.passed = 0.0

    def __call__(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.passed

    def wait(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.passed += seconds

    def jump(self, delta: timedelta) -> None:
        self.wall += delta


def build(tmp_path: Path, clocks: Clocks, checks: dict[str, Scripted], receiver) -> Engine:
    notify = NotifySettings(
        desktop=False,
        channels=(Channel("team", receiver.url("team")),),
        renotify=timedelta(minutes=30),
        storm_threshold=1000,
    )
    return Engine(
        EngineSettings(watches=tuple(c.watch for c in checks.values()), notify=notify),
        IncidentStore(tmp_path / "incidents.json"),
        operator="dana",
        clock=clocks,
        build_collector=lambda w: checks[w.name],
        options=EngineOptions(watch_clock=True, monotonic=clocks.monotonic),
        notifications=Notifications(notify, clocks, hold_seconds=0.01),
    )


async def run(engine: Engine, *checks: Scripted) -> None:
    for check in checks:
        await engine._scheduler.run(check.watch, check)
    await engine.settle()
    engine.tick()
    await engine.settle()


def entries(engine: Engine) -> list:
    return [e for i in engine.store.list() for e in i.timeline]


async def test_the_clock_jumping_back_and_forward_gives_no_negative_duration_and_no_storm(
    tmp_path: Path,
) -> None:
    receiver = Receiver()
    clocks = Clocks()
    web = Scripted(watch("web", interval=10), lambda: "connection refused")
    quiet = {name: Scripted(watch(name, interval=10), lambda: 1.0) for name in ("db", "api")}
    engine = build(tmp_path, clocks, {"web": web, **quiet}, receiver)
    await engine.start(schedule=False)
    try:
        await run(engine, web, *quiet.values())
        assert [i.check for i in engine.store.unclosed()] == ["web"]

        # Back an hour: the next samples are "older" than the last ones.
        clocks.wait(5)
        clocks.jump(-timedelta(hours=1))
        await run(engine, web, *quiet.values())
        assert [i.check for i in engine.store.unclosed()] == ["web"]
        # db falls silent; 40 s of real time later (past three intervals) that is noticed,
        # although by the wall clock its last sample is still "in the future" by an hour.
        clocks.wait(40)
        await run(engine, web, quiet["api"])
        assert sorted(i.check for i in engine.store.unclosed()) == ["db", "web"]

        # Forward a day: every check ran a moment ago in real time, so none is silent, and
        # the one unacknowledged incident is reminded once, not once per missed half hour.
        told = len(receiver.requests)
        clocks.wait(1)
        clocks.jump(timedelta(days=1))
        await run(engine, web, *quiet.values())
        engine.tick()
        await engine.settle()
        new = [e for e in entries(engine) if e.at >= clocks.wall]
        kinds = [e.kind for e in new]
        assert EntryKind.OPENED not in kinds, [(e.kind, e.note) for e in new]
        assert "api" not in {i.check for i in engine.store.unclosed()}
        assert kinds.count(EntryKind.RENOTIFIED) <= 1, kinds  # web's one reminder
        assert len(receiver.requests) - told <= 2  # that reminder, and db's recovery
    finally:
        await engine.stop()
        receiver.close()
    said = [f"{r.payload.get('title')} {r.payload.get('message')}" for r in receiver.requests]
    notes = [e.note for e in entries(engine)]
    assert not [text for text in said + notes if NEGATIVE.search(text)]
