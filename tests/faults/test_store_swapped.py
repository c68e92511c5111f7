"""The store's file deleted or replaced underneath a running engine: the engine keeps running
and writing, the store stays readable, no id is handed out twice (a "#1" told to a channel
never comes to mean another incident), and what the checks still see is on record again.
(A second engine on the same store is refused by the lease: tests/e2e/test_one_engine.py and
tests/serve/test_cli.py.)"""

from __future__ import annotations

import shutil

from onwatch.engine import Engine
from onwatch.store import IncidentStore
from tests.engine.conftest import Scripted, make_engine, wait_for, watch


def failing_when_told(store: IncidentStore, failing: dict[str, bool]) -> Engine:
    """An engine with a check per name of `failing`, down while its value there is True."""
    collectors = {
        name: Scripted(watch(name, interval=0.05), lambda n=name: "down" if failing[n] else 1.0)
        for name in failing
    }
    return make_engine(store, collectors, store_poll_seconds=0.05)


def checks_open(path) -> set[str]:
    return {i.check for i in IncidentStore(path).unclosed()}


async def test_a_deleted_store_file_is_written_again_without_reusing_an_id(tmp_path) -> None:
    path = tmp_path / "incidents.json"
    store = IncidentStore(path)
    failing = {"web": True, "api": False}
    engine = failing_when_told(store, failing)
    await engine.start()
    try:
        await wait_for(lambda: checks_open(path) == {"web"})
        before = {i.id for i in store.unclosed()}
        path.unlink()
        failing["api"] = True
        # Both failures are on record again: the one still failing, and the new one.
        await wait_for(lambda: checks_open(path) == {"web", "api"})
        after = {i.id for i in IncidentStore(path).unclosed()}
        assert not after & before, (before, after)
        assert all(task.done() is False for task in engine._tasks)
    finally:
        await engine.stop()


async def test_a_store_file_replaced_by_an_older_copy_is_followed(tmp_path) -> None:
    path = tmp_path / "incidents.json"
    store = IncidentStore(path)
    failing = {"web": True, "api": False, "db": False}
    engine = failing_when_told(store, failing)
    await engine.start()
    try:
        await wait_for(lambda: checks_open(path) == {"web"})
        shutil.copy(path, tmp_path / "backup.json")
        failing["api"] = True
        await wait_for(lambda: checks_open(path) == {"web", "api"})
        seen = {i.id for i in store.unclosed()}
        # Restored from a backup: the api incident is gone from the file, the engine follows.
        (tmp_path / "backup.json").replace(path)
        await wait_for(lambda: {i.check for i in engine.incidents.values()} <= {"web", "api"})
        failing["db"] = True
        await wait_for(lambda: "db" in checks_open(path) and "api" in checks_open(path))
        fresh = {i.id for i in IncidentStore(path).unclosed() if i.check != "web"}
        assert not fresh & (
            seen - {i.id for i in IncidentStore(path).unclosed() if i.check == "web"}
        )
        ids = [i.id for i in IncidentStore(path).list()]
        assert len(ids) == len(set(ids))
    finally:
        await engine.stop()
