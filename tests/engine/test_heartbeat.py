"""The heartbeat in a running engine: real calls to a receiver on 127.0.0.1, on a real store
whose disk is filled up (a tmpfs, as root) and freed again."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from onwatch.engine import Engine, EngineOptions, EngineSettings, utc_now
from onwatch.engine.notifying import Notifications
from onwatch.engine.own_health import HealthBounds
from onwatch.engine.specs import HeartbeatSpec, NotifySettings
from onwatch.incidents import Category, Priority, Severity
from onwatch.store import IncidentStore
from tests.engine.conftest import wait_for
from tests.support.disk import small_disk
from tests.support.pings import PingReceiver

INTERVAL = 0.2


@pytest.fixture
def pings() -> Iterator[PingReceiver]:
    receiver = PingReceiver()
    yield receiver
    receiver.close()


def engine_on(path: Path, url: str, **options: object) -> Engine:
    notify = NotifySettings(desktop=False)
    settings = EngineSettings(
        notify=notify, heartbeat=HeartbeatSpec(url, timedelta(seconds=INTERVAL))
    )
    return Engine(
        settings,
        IncidentStore(path),
        operator="dana",
        options=EngineOptions(health=HealthBounds(disk_min_free=0.0), **options),
        notifications=Notifications(notify, utc_now, hold_seconds=0.05),
    )


async def test_beats_at_the_interval_stop_while_the_store_cannot_write_and_resume(
    tmp_path: Path, pings: PingReceiver
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        if not disk.mounted and os.geteuid() == 0:
            pytest.skip("root ignores a read-only folder and no tmpfs could be mounted")
        engine = engine_on(disk.path / "incidents.json", pings.url)
        await engine.start()
        try:
            await wait_for(lambda: pings.count >= 4)
            gaps = sorted(b - a for a, b in zip(pings.times, pings.times[1:], strict=False))
            # The median: one call slowed by a loaded machine shortens the gap after it.
            assert INTERVAL * 0.5 < gaps[len(gaps) // 2] < INTERVAL * 4, gaps

            disk.fill()
            heartbeat = engine.heartbeat
            assert heartbeat is not None
            await wait_for(lambda: heartbeat.held_back is not None)
            assert "cannot write beside the store" in heartbeat.held_back
            stopped_at = pings.count
            # Several intervals without a call: what the switch on the other end notices.
            await asyncio.sleep(INTERVAL * 6)
            assert pings.count == stopped_at

            disk.free()
            await wait_for(lambda: pings.count >= stopped_at + 2)
            assert heartbeat.held_back is None
        finally:
            await engine.stop()


async def test_an_unreachable_heartbeat_url_becomes_an_onwatch_incident(tmp_path: Path) -> None:
    receiver = PingReceiver()
    receiver.status = 503
    try:
        engine = engine_on(tmp_path / "incidents.json", receiver.url)
        await engine.start()
        try:
            heartbeat = engine.heartbeat
            assert heartbeat is not None
            await wait_for(lambda: heartbeat.problem == "HTTP 503")
            await engine.self_check()
            await engine.settle()
            (own,) = engine.store.unclosed()
            assert (own.source, own.check, own.category) == (
                "onwatch",
                "heartbeat",
                Category.MONITORING,
            )
            assert own.title == "heartbeat: HTTP 503"
            assert own.severity is Severity.WARNING and own.priority is Priority.P2
            assert "secret-switch-id" not in repr(own)

            receiver.status = 200
            await wait_for(lambda: heartbeat.problem is None)
            await engine.self_check()
            await engine.settle()
            assert engine.store.get(own.id).resolved_at is not None
        finally:
            await engine.stop()
    finally:
        receiver.close()


async def test_a_reload_moves_the_heartbeat_to_its_new_url_and_stops_the_old_one(
    tmp_path: Path, pings: PingReceiver
) -> None:
    moved = PingReceiver()
    try:
        engine = engine_on(tmp_path / "incidents.json", pings.url)
        await engine.start()
        try:
            await wait_for(lambda: pings.count >= 2)
            spec = HeartbeatSpec(moved.url, timedelta(seconds=INTERVAL))
            settings = dataclasses.replace(engine.settings, heartbeat=spec)
            report = await engine.apply_config(settings)
            assert "heartbeat" in report.other
            assert "heartbeat changed" in report.summary()
            stopped_at = pings.count
            await wait_for(lambda: moved.count >= 3)
            assert pings.count <= stopped_at + 1  # at most a call already under way
            report = await engine.apply_config(dataclasses.replace(settings, heartbeat=None))
            assert engine.heartbeat is None and "heartbeat" in report.other
            quiet_from = moved.count
            await asyncio.sleep(INTERVAL * 4)
            assert moved.count <= quiet_from + 1
        finally:
            await engine.stop()
    finally:
        moved.close()
