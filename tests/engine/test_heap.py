"""An engine started for a long-running process freezes what it built out of full garbage
collections, and a reload lets what the old config held be collected after all."""

from __future__ import annotations

import gc
import weakref
from datetime import datetime

from onwatch.engine import EngineSettings
from onwatch.incidents.sample import Sample
from tests.engine.conftest import make_engine, wait_for, watch


class Looped:
    """A collector in a reference cycle: only the cycle collector can free it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.me = self

    async def collect(self, now: datetime) -> list[Sample]:
        return [Sample("local", self.name, "value", 1.0, now)]


async def test_a_reload_frees_the_retired_checks_that_start_had_frozen(store) -> None:
    built: dict[str, weakref.ref[Looped]] = {}

    def build(w):
        collector = Looped(w.name)
        built[w.name] = weakref.ref(collector)
        return collector

    checks = (watch("web", interval=60), watch("db", interval=60))
    engine = make_engine(store, {}, freeze_at_start=True)
    engine.settings = EngineSettings(watches=checks, notify=engine.settings.notify)
    engine._probes._build_collector = build
    assert gc.get_freeze_count() == 0
    await engine.start()
    try:
        assert gc.get_freeze_count() > 0
        await engine.apply_config(EngineSettings(watches=checks[1:], notify=engine.settings.notify))

        def freed() -> bool:
            gc.collect()
            return built["web"]() is None

        await wait_for(freed, within=10)  # else the removed check's collector stayed frozen
        assert built["db"]() is not None
        assert gc.get_freeze_count() > 0
    finally:
        await engine.stop()
    assert gc.get_freeze_count() == 0


async def test_an_engine_left_as_embedded_freezes_nothing(store) -> None:
    engine = make_engine(store, {})
    await engine.start()
    try:
        assert gc.get_freeze_count() == 0
    finally:
        await engine.stop()
