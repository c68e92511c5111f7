"""Forecasts, anomalies and evidence through a running engine, time moved by a fake clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from onwatch.collectors.specs import LocalCheck
from onwatch.engine import Engine, EngineOptions, EngineSettings, Watch, utc_now
from onwatch.engine.notifying import Notifications
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Category, Severity, State, Threshold
from onwatch.incidents.forecast import ForecastSpec
from onwatch.store import IncidentStore
from tests.engine.conftest import Scripted, wait_for, watch

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def engine_for(store: IncidentStore, clock: Clock, collectors: dict[str, Scripted]) -> Engine:
    notify = NotifySettings(desktop=False)
    return Engine(
        EngineSettings(watches=tuple(c.watch for c in collectors.values()), notify=notify),
        store,
        operator="dana",
        clock=clock,
        build_collector=lambda w: collectors[w.name],
        options=EngineOptions(),
        notifications=Notifications(notify, clock, hold_seconds=0.05),
    )


def with_(base: Watch, **changes: object) -> Watch:
    return Watch(
        base.probe,
        base.interval,
        base.rules,
        forecast=changes.get("forecast"),  # type: ignore[arg-type]
        anomaly=bool(changes.get("anomaly", False)),
    )


def _forecasting_disk(store: IncidentStore, clock: Clock, level: dict[str, float]) -> Engine:
    """An engine watching one disk (warning 80, critical 90) at `level`, forecasting 24 h ahead
    from its last hour."""
    spec = ForecastSpec(
        horizon=timedelta(hours=24), window=timedelta(hours=1), metrics=frozenset({"value"})
    )
    disk = with_(watch("disk", warning=80, critical=90), forecast=spec)
    return engine_for(store, clock, {"disk": Scripted(disk, lambda: level["value"])})


async def test_forecast_incident_opens_before_the_disk_fills_and_resolves_when_it_stops(
    store: IncidentStore,
) -> None:
    clock, level = Clock(), {"value": 30.0}
    engine = _forecasting_disk(store, clock, level)
    await engine.start(schedule=False)
    try:
        # 0.5% a minute: critical (90%) is two hours off; no threshold is anywhere near.
        for minute in range(30):
            clock.now = T0 + timedelta(minutes=minute)
            level["value"] = 30 + 0.5 * minute
            await engine.run_checks()
        await engine.settle()
        (opened,) = store.list()
        assert opened.category is Category.FORECAST
        assert opened.severity is Severity.WARNING
        assert opened.fingerprint == "disk/disk/forecast:value"
        assert opened.title == "value at 90 in about 2 h at the current rate"
        # The disk was cleaned up: the trend stops crossing and the forecast resolves.
        for minute in range(30, 90):
            clock.now = T0 + timedelta(minutes=minute)
            level["value"] = 20.0
            await engine.run_checks()
            await engine.settle()
            if store.get(opened.id).state is State.RESOLVED:
                break
        assert store.get(opened.id).state is State.RESOLVED
    finally:
        await engine.stop()


async def test_forecast_title_follows_the_estimate_with_one_entry_per_new_wording(
    store: IncidentStore,
) -> None:
    clock, level = Clock(), {"value": 30.0}
    engine = _forecasting_disk(store, clock, level)
    await engine.start(schedule=False)
    titles = []
    try:
        # 0.25% a minute from 30%: 90% is 4 h off at first, and under 3.5 h from minute 31.
        for minute in range(60):
            clock.now = T0 + timedelta(minutes=minute)
            level["value"] = 30 + 0.25 * minute
            await engine.run_checks()
            await engine.settle()
            titles += [i.title for i in store.list()]
    finally:
        await engine.stop()
    (incident,) = store.list()
    four = "value at 90 in about 4 h at the current rate"
    three = "value at 90 in about 3 h at the current rate"
    assert titles[0] == four, "the opening estimate"
    assert incident.title == three
    assert [t for n, t in enumerate(titles) if n == 0 or t != titles[n - 1]] == [four, three]
    notes = [e for e in incident.timeline if e.note.startswith("estimate now:")]
    assert [e.note for e in notes] == [f"estimate now: {three}"]
    assert T0 + timedelta(minutes=30) <= notes[0].at <= T0 + timedelta(minutes=32)
    assert incident.timeline[0].note == four, "the opening entry keeps what was said first"


async def test_anomaly_incident_opens_on_a_latency_step(store: IncidentStore) -> None:
    clock = Clock()
    rng = random.Random(4)
    latency = {"value": 0.1}
    api = with_(watch("api"), anomaly=True)
    engine = engine_for(store, clock, {"api": Scripted(api, lambda: latency["value"])})
    await engine.start(schedule=False)
    try:
        for step in range(60):
            clock.now = T0 + timedelta(seconds=10 * step)
            latency["value"] = 0.1 + rng.gauss(0, 0.004)
            await engine.run_checks()
        await engine.settle()
        assert store.list() == []
        for step in range(60, 65):
            clock.now = T0 + timedelta(seconds=10 * step)
            latency["value"] = 0.9
            await engine.run_checks()
        await engine.settle()
        (opened,) = store.list()
        assert opened.category is Category.ANOMALY
        assert opened.metric == "anomaly:value"
        assert opened.title.startswith("value 0.9 (usually ")
    finally:
        await engine.stop()


async def test_memory_incident_of_this_host_lists_the_busiest_processes(
    store: IncidentStore,
) -> None:
    # A real local check whose memory rule any machine breaches.
    local = Watch(
        LocalCheck(name="local", source="here"), rules={"memory": Threshold(critical=0.01)}
    )
    notify = NotifySettings(desktop=False)
    engine = Engine(
        EngineSettings(watches=(local,), notify=notify),
        store,
        operator="dana",
        notifications=Notifications(notify, utc_now, hold_seconds=0.05),
    )
    await engine.start(schedule=False)
    try:
        await engine.run_checks()
        await engine.settle()
        await wait_for(lambda: any(i.evidence.get("top_processes") for i in store.list()), 30)
    finally:
        await engine.stop()
    (incident,) = [i for i in store.list() if i.metric == "memory"]
    top = incident.evidence["top_processes"]
    assert 1 <= len(top) <= 5
    assert all({"pid", "name", "rss_bytes"} <= set(row) for row in top)
    sizes = [row["rss_bytes"] for row in top]
    assert sizes == sorted(sizes, reverse=True)
    assert incident.evidence["top_processes_by"] == "memory"


async def test_disk_incident_says_how_much_the_disk_grew_in_the_last_hour(
    store: IncidentStore,
) -> None:
    clock = Clock()
    level = {"value": 70.0}
    disk = Watch(watch("disk").probe, rules={"disk:/": Threshold(warning=80, critical=90)})

    class Disk(Scripted):
        async def collect(self, now):  # type: ignore[no-untyped-def]
            from onwatch.incidents import Sample

            return [Sample("disk", "disk", "disk:/", level["value"], now, evidence={"mount": "/"})]

    engine = engine_for(store, clock, {"disk": Disk(disk, lambda: 0.0)})
    await engine.start(schedule=False)
    try:
        for minute in range(0, 61, 5):
            clock.now = T0 + timedelta(minutes=minute)
            level["value"] = 70 + minute / 3  # 70% -> 90% over the hour
            await engine.run_checks()
        await engine.settle()
    finally:
        await engine.stop()
    (incident,) = store.list()
    assert incident.evidence["mount"] == "/"
    growth = incident.evidence["last_hour"]
    # Opened at 80% (minute 30): it had grown 10 points over those 30 minutes.
    assert growth == {"growth_percent": 10.0, "growth_over_seconds": 1800}


async def test_forecast_left_open_by_an_earlier_run_resolves_once_the_trend_is_flat(
    store: IncidentStore,
) -> None:
    clock = Clock()
    level = {"value": 30.0}
    spec = ForecastSpec(
        horizon=timedelta(hours=24), window=timedelta(hours=1), metrics=frozenset({"value"})
    )
    disk = with_(watch("disk", warning=80, critical=90), forecast=spec)
    first = engine_for(store, clock, {"disk": Scripted(disk, lambda: level["value"])})
    await first.start(schedule=False)
    for minute in range(30):
        clock.now = T0 + timedelta(minutes=minute)
        level["value"] = 30 + 0.5 * minute
        await first.run_checks()
    await first.stop()
    (opened,) = store.list()
    assert opened.category is Category.FORECAST and opened.state is State.TRIGGERED

    second = engine_for(store, clock, {"disk": Scripted(disk, lambda: level["value"])})
    await second.start(schedule=False)
    try:
        states = []
        for minute in range(30, 60):
            clock.now = T0 + timedelta(minutes=minute)
            level["value"] = 45.0
            await second.run_checks()
            await second.settle()
            states.append(store.get(opened.id).state)
        # Not on the first flat sample (too little to go on), but once the window says so.
        assert states[0] is State.TRIGGERED
        assert states[-1] is State.RESOLVED
    finally:
        await second.stop()
