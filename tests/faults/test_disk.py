"""A full disk and a read-only store under a running engine: a clear status (the console shows
the engine's statuses) and one log line, checks keep running, the store on disk stays as it was,
and writes resume by themselves once the disk takes them again. A real tmpfs when root."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from onwatch.store import IncidentStore
from tests.engine.conftest import Scripted, make_engine, wait_for, watch
from tests.support.disk import Disk, small_disk


def refuse_by_filling(disk: Disk) -> Callable[[], None]:
    disk.fill()
    return disk.free


def refuse_as_read_only(disk: Disk) -> Callable[[], None]:
    disk.read_only()
    return disk.writable


@pytest.mark.parametrize(
    "refuse", [refuse_by_filling, refuse_as_read_only], ids=["full disk", "read-only store"]
)
async def test_a_refusing_disk_is_reported_keeps_checks_running_and_writes_resume(
    tmp_path, caplog: pytest.LogCaptureFixture, refuse
) -> None:
    caplog.set_level(logging.ERROR, "onwatch")
    failing = {"api": False}
    with small_disk(tmp_path / "disk") as disk:
        store = IncidentStore(disk.path / "incidents.json")
        web = Scripted(watch("web", interval=0.05), lambda: "connection refused")
        api = Scripted(watch("api", interval=0.05), lambda: "timed out" if failing["api"] else 1.0)
        engine = make_engine(store, {"web": web, "api": api})
        statuses: list[str | None] = []
        engine.subscribe(
            lambda e: statuses.append(e.text) if getattr(e, "key", None) == "store" else None
        )
        await engine.start()
        restore = None
        try:
            await wait_for(lambda: len(store.unclosed()) == 1, within=30)
            before = (disk.path / "incidents.json").read_bytes()
            restore = refuse(disk)
            failing["api"] = True  # a new incident the engine now cannot write
            await wait_for(lambda: "store" in engine.status, within=30)
            assert engine.status["store"].startswith("cannot write incidents (retrying): ")
            calls = api.calls
            await wait_for(lambda: api.calls > calls + 5, within=30)  # checks keep running
            assert (disk.path / "incidents.json").read_bytes() == before
            restore()
            restore = None
            await wait_for(lambda: "store" not in engine.status, within=60)
            await wait_for(lambda: len(store.unclosed()) == 2, within=30)
            reopened = IncidentStore(disk.path / "incidents.json").unclosed()
            assert sorted(i.check for i in reopened) == ["api", "web"]
        finally:
            if restore is not None:
                restore()
            await engine.stop()
    errors = [r.getMessage() for r in caplog.records if "cannot write incidents" in r.getMessage()]
    assert len(errors) == 1, errors  # one line for the whole outage, not one per retry
    assert statuses[-1] is None
