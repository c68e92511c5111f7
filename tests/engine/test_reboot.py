"""The engine records "host rebooted" as a recent change when this host's boot time moved
since it last ran (the change store keeps the last one seen), and only then."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest

from onwatch.collectors.specs import LocalCheck
from onwatch.engine import Engine, EngineSettings, Watch
from onwatch.engine.notifying import Notifications
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Sample
from onwatch.store import ChangeStore, IncidentStore

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


class Quiet:
    async def collect(self, now: datetime) -> list[Sample]:
        return []


async def run_once(tmp_path: Path, changes: ChangeStore) -> None:
    notify = NotifySettings(desktop=False)
    engine = Engine(
        EngineSettings(watches=(Watch(LocalCheck(name="local", source="web-01")),), notify=notify),
        IncidentStore(tmp_path / "incidents.json"),
        operator="dana",
        clock=lambda: NOW,
        build_collector=lambda w: Quiet(),
        notifications=Notifications(notify, lambda: NOW),
        changes=changes,
    )
    await engine.start(schedule=False)
    await engine.stop()


async def test_a_boot_time_that_moved_is_recorded_once(tmp_path: Path) -> None:
    changes = ChangeStore(tmp_path / "changes.json")
    booted = psutil.boot_time()
    changes.note_boot("web-01", booted - 86400, at=NOW, by="onwatch")  # the boot before
    await run_once(tmp_path, changes)
    recorded = changes.list()
    assert [(c.text, c.source, c.by) for c in recorded] == [("host rebooted", "web-01", "onwatch")]
    assert changes.last_boot("web-01") == pytest.approx(booted, abs=5)
    await run_once(tmp_path, changes)  # the same boot: nothing more
    assert changes.list() == recorded


async def test_the_first_run_only_remembers_the_boot_time(tmp_path: Path) -> None:
    changes = ChangeStore(tmp_path / "changes.json")
    await run_once(tmp_path, changes)
    assert changes.list() == []
    assert changes.last_boot("web-01") == pytest.approx(psutil.boot_time(), abs=5)
