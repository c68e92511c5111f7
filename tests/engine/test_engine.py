from __future__ import annotations

import asyncio

from onwatch.engine import IncidentChanged, IncidentsReloaded
from onwatch.engine.operations import Operations
from onwatch.incidents import Event, State
from onwatch.store import IncidentStore
from tests.engine.conftest import Scripted, console, make_engine, wait_for, watch


async def test_run_once_records_a_failing_check_as_an_incident(store: IncidentStore) -> None:
    api = Scripted(watch("api"), lambda: "connection refused")
    changes = await make_engine(store, {"api": api}).run_once()
    assert [c.event for c in changes] == [Event.OPENED, Event.PAGED]
    (incident,) = store.unclosed()
    assert incident.title == "api: connection refused"
    assert incident.category.value == "availability"


async def test_threshold_breach_opens_and_recovery_resolves(store: IncidentStore) -> None:
    level = {"value": 95.0}
    box = Scripted(watch("box", critical=90), lambda: level["value"])
    engine = make_engine(store, {"box": box})
    await engine.start()
    try:
        await wait_for(lambda: len(store.unclosed()) == 1)
        level["value"] = 10.0
        await wait_for(lambda: store.unclosed()[0].state is State.RESOLVED)
    finally:
        await engine.stop()


async def test_a_hanging_check_does_not_delay_the_others(store: IncidentStore) -> None:
    slow = Scripted(watch("slow", interval=0.1), lambda: 1.0, delay=30)
    fast = Scripted(watch("fast", interval=0.05), lambda: 1.0)
    engine = make_engine(store, {"slow": slow, "fast": fast})
    await engine.start()
    try:
        await wait_for(lambda: fast.calls >= 20, within=5)
        assert slow.calls == 1
    finally:
        await engine.stop()


async def test_a_check_that_exceeds_its_timeout_is_reported_as_failed(store: IncidentStore) -> None:
    stuck = Scripted(watch("stuck", timeout=0.05), lambda: 1.0, delay=30)
    engine = make_engine(store, {"stuck": stuck})
    import onwatch.engine.scheduler as scheduler

    original, scheduler.GUARD_GRACE = scheduler.GUARD_GRACE, 0.1
    try:
        changes = await engine.run_once()
    finally:
        scheduler.GUARD_GRACE = original
    assert "did not finish" in changes[0].incident.title


async def test_a_collector_that_raises_becomes_an_error_sample(store: IncidentStore) -> None:
    def explode() -> float:
        raise RuntimeError("bug")

    changes = await make_engine(store, {"bad": Scripted(watch("bad"), explode)}).run_once()
    assert "collector error: RuntimeError" in changes[0].incident.title


async def test_change_from_another_process_reaches_subscribers(store: IncidentStore) -> None:
    api = Scripted(watch("api", interval=60), lambda: "connection refused")
    await make_engine(store, {"api": api}).run_once()
    engine = make_engine(store, {"api": api}, store_poll_seconds=0.05)
    reloaded: list[IncidentsReloaded] = []
    engine.subscribe(lambda e: reloaded.append(e) if isinstance(e, IncidentsReloaded) else None)
    await engine.start()
    try:
        before = len(reloaded)
        # As the CLI would: a separate IncidentStore on the same file.
        Operations(IncidentStore(store.path), clock=engine.clock, operator="lee").acknowledge(1)
        await wait_for(lambda: len(reloaded) > before)
        assert engine.incidents[1].state is State.ACKNOWLEDGED
    finally:
        await engine.stop()


async def test_an_incident_left_open_by_an_earlier_run_resolves_on_recovery(
    store: IncidentStore,
) -> None:
    hot = Scripted(watch("box", critical=90), lambda: 99.0)
    await make_engine(store, {"box": hot}).run_once()
    cool = Scripted(watch("box", critical=90), lambda: 5.0)
    changes = await make_engine(store, {"box": cool}).run_once()
    assert [c.event for c in changes] == [Event.RESOLVED]


async def test_a_console_action_publishes_the_change(store: IncidentStore) -> None:
    api = Scripted(watch("api"), lambda: "connection refused")
    engine = make_engine(store, {"api": api})
    await engine.run_once()
    seen: list[IncidentChanged] = []
    engine.subscribe(lambda e: seen.append(e) if isinstance(e, IncidentChanged) else None)
    incident = await console(engine).acknowledge(1, note="on it")
    assert incident.state is State.ACKNOWLEDGED
    assert seen[-1].change.event is Event.ACKNOWLEDGED
    assert store.get(1).timeline[-1].note == "on it"


async def test_stop_lets_pending_writes_land(store: IncidentStore) -> None:
    api = Scripted(watch("api", interval=0.01), lambda: "refused")
    engine = make_engine(store, {"api": api})
    await engine.start()
    await wait_for(lambda: api.calls >= 1)
    await engine.stop()
    assert len(store.unclosed()) == 1
    assert all(t.done() for t in asyncio.all_tasks() if t is not asyncio.current_task())
