from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onwatch.collectors.specs import HttpCheck, LocalCheck
from onwatch.engine import Engine, EngineOptions, EngineSettings, Watch
from onwatch.engine.local_backend import LocalBackend
from onwatch.engine.notifying import Notifications
from onwatch.engine.recorder import record
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Breach, Category, Sample, Severity, Threshold
from onwatch.incidents.checklist import Guide
from onwatch.store import ChangeStore, IncidentStore, SilenceStore
from onwatch.tui.app import OnwatchApp

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, at: datetime = NOW) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


WATCHES = (
    Watch(
        probe=LocalCheck(name="local", source="web-01"), rules={"cpu": Threshold(80, 90, unit="%")}
    ),
    Watch(probe=HttpCheck(name="api", url="http://api.example/health")),
    Watch(probe=HttpCheck(name="shop", url="http://shop.example/")),
)


def breach(
    source: str,
    check: str,
    metric: str,
    severity: Severity,
    title: str,
    minutes_ago: float,
    category: Category = Category.RESOURCE,
) -> Breach:
    return Breach(
        source=source,
        check=check,
        metric=metric,
        severity=severity,
        category=category,
        value=95.0 if metric != "up" else None,
        threshold=90.0 if metric != "up" else None,
        title=title,
        at=NOW - timedelta(minutes=minutes_ago),
    )


def seed(store: IncidentStore) -> None:
    record(
        store,
        [
            breach(
                "web-01", "local", "cpu", Severity.CRITICAL, "local cpu 95% above critical 90%", 42
            ),
            breach(
                "api",
                "api",
                "up",
                Severity.CRITICAL,
                "api: connection refused",
                12,
                Category.AVAILABILITY,
            ),
            breach(
                "shop",
                "shop",
                "latency",
                Severity.WARNING,
                "shop latency 1.2s above warning 1s",
                5,
                Category.LATENCY,
            ),
        ],
    )


def seed_history(engine: Engine) -> None:
    for n in range(12):
        at = NOW - timedelta(seconds=10 * (12 - n))
        engine.history.add(
            [
                Sample("web-01", "local", "cpu", 40.0 + 5 * n, at),
                Sample("web-01", "local", "memory", 61.0, at),
                Sample("web-01", "local", "disk:/", 72.0, at),
                Sample("web-01", "local", "load", 0.8, at),
                Sample("shop", "shop", "latency", 0.2 + 0.1 * n, at),
                Sample("shop", "shop", "status", 200.0, at),
            ]
        )
    engine.history.add([Sample.failed("api", "api", "up", "connection refused", NOW)])
    engine.last_poll = NOW


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    store = IncidentStore(tmp_path / "incidents.json")
    seed(store)
    return store


def build_app(
    store: IncidentStore,
    tmp_path: Path,
    *,
    notify: NotifySettings | None = None,
    resolution_required: bool = False,
    guides: dict[str, Guide] | None = None,
    changes: ChangeStore | None = None,
    **kwargs: object,
) -> OnwatchApp:
    clock = FixedClock()
    notify = notify or NotifySettings(desktop=False)
    engine = Engine(
        EngineSettings(
            watches=WATCHES,
            notify=notify,
            resolution_required=resolution_required,
            guides=guides or {},
        ),
        store,
        operator="dana",
        clock=clock,
        options=EngineOptions(store_poll_seconds=0.05),
        build_collector=lambda w: _Quiet(),
        notifications=Notifications(notify, clock, hold_seconds=0.05),
        silences=SilenceStore(tmp_path / "silences.json"),
        changes=changes,
    )
    seed_history(engine)
    backend = LocalBackend(
        engine,
        operator="dana",
        runbooks={"api": "https://wiki.example/runbooks/api"},
        run_checks=False,
    )
    return OnwatchApp(backend, clock=clock, settings_path=tmp_path / "console.json", **kwargs)


class _Quiet:
    async def collect(self, now: datetime) -> list[Sample]:
        return []


@pytest.fixture
def app(store: IncidentStore, tmp_path: Path) -> OnwatchApp:
    return build_app(store, tmp_path)
