"""Regenerate the README's screenshots: `python docs/screenshots.py` (from the repository root).

The console runs on fixed data (no live checks) and saves SVGs of the main screen and wall mode.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from onwatch.collectors.specs import HttpCheck, LocalCheck, TcpCheck  # noqa: E402
from onwatch.engine import Engine, EngineOptions, EngineSettings, Watch  # noqa: E402
from onwatch.engine.local_backend import LocalBackend  # noqa: E402
from onwatch.engine.notifying import Notifications  # noqa: E402
from onwatch.engine.recorder import record  # noqa: E402
from onwatch.engine.specs import NotifySettings  # noqa: E402
from onwatch.incidents import Breach, Category, Sample, Severity, Threshold  # noqa: E402
from onwatch.store import IncidentStore  # noqa: E402
from onwatch.tui.app import OnwatchApp  # noqa: E402

NOW = datetime(2026, 11, 27, 3, 12, tzinfo=UTC)
WATCHES = (
    Watch(LocalCheck(source="web-01"), rules={"cpu": Threshold(70, 80, unit="%")}),
    Watch(LocalCheck(name="db", source="db-01"), rules={"disk": Threshold(80, 90, unit="%")}),
    Watch(HttpCheck(name="api", url="https://api.example.com/health")),
    Watch(HttpCheck(name="shop", url="https://shop.example.com/")),
    Watch(HttpCheck(name="docs", url="https://docs.example.com/")),
    Watch(TcpCheck(name="postgres", host="db-01", port=5432)),
)


class Idle:
    async def collect(self, now: datetime) -> list[Sample]:
        return []


def breach(
    source, check, metric, severity, category, title, minutes_ago, value=None, threshold=None
):
    return Breach(source=source, check=check, metric=metric, severity=severity, category=category,
                  value=value, threshold=threshold, title=title,
                  at=NOW - timedelta(minutes=minutes_ago))  # fmt: skip


def seed(store: IncidentStore) -> None:
    record(store, [
        breach("api", "api", "up", Severity.CRITICAL, Category.AVAILABILITY,
               "api: unexpected status 503", 7),
        breach("web-01", "local", "cpu", Severity.CRITICAL, Category.RESOURCE,
               "local cpu 93% above critical 80%", 24, 93.0, 80.0),
        breach("db-01", "db", "disk:/var/lib/postgresql", Severity.WARNING, Category.RESOURCE,
               "db disk:/var/lib/postgresql 84% above warning 80%", 55, 84.0, 80.0),
        breach("shop", "shop", "latency", Severity.WARNING, Category.LATENCY,
               "shop latency 1.4s above warning 1s", 3, 1.4, 1.0),
    ])  # fmt: skip


def history(engine: Engine) -> None:
    for n in range(24):
        at = NOW - timedelta(seconds=10 * (24 - n))
        engine.history.add([
            Sample("web-01", "local", "cpu", 55.0 + 1.6 * n, at),
            Sample("web-01", "local", "memory", 61.0, at),
            Sample("web-01", "local", "disk:/", 41.0, at),
            Sample("web-01", "local", "load", 1.1, at),
            Sample("db-01", "db", "cpu", 22.0 + (n % 5), at),
            Sample("db-01", "db", "memory", 70.0, at),
            Sample("db-01", "db", "disk:/var/lib/postgresql", 84.0, at),
            Sample("db-01", "db", "load", 0.4, at),
            Sample("shop", "shop", "latency", 0.4 + 0.05 * n, at),
            Sample("shop", "shop", "status", 200.0, at),
            Sample("docs", "docs", "latency", 0.08 + 0.01 * (n % 3), at),
            Sample("docs", "docs", "status", 200.0, at),
            Sample("postgres", "postgres", "connect_time", 0.002, at),
        ])  # fmt: skip
    engine.history.add([Sample.failed("api", "api", "up", "unexpected status 503", NOW)])
    engine.last_poll = NOW


async def main() -> None:
    out = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        store = IncidentStore(Path(tmp) / "incidents.json")
        seed(store)
        notify = NotifySettings(desktop=False)
        engine = Engine(
            EngineSettings(watches=WATCHES, notify=notify), store, operator="dana",
            clock=lambda: NOW, build_collector=lambda w: Idle(), options=EngineOptions(),
            notifications=Notifications(notify, lambda: NOW),
        )  # fmt: skip
        history(engine)
        backend = LocalBackend(engine, operator="dana", run_checks=False)
        app = OnwatchApp(backend, clock=lambda: NOW)
        async with app.run_test(size=(120, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot("main.svg", str(out))
            await pilot.press("w")
            await pilot.pause()
            await pilot.pause()
            app.save_screenshot("wall.svg", str(out))
    print(f"wrote {out / 'main.svg'} and {out / 'wall.svg'}")


if __name__ == "__main__":
    asyncio.run(main())
