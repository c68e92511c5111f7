"""One engine, alone in this process, running N HTTP checks; prints its own measurements as JSON.

usage: python -m bench.engine_worker PORT CHECKS INTERVAL_S DURATION_S MAX_IN_FLIGHT DB
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

from onwatch.collectors.specs import HttpCheck
from onwatch.engine import Engine, EngineOptions, EngineSettings, Watch
from onwatch.store import IncidentStore


async def run(
    port: int, checks: int, interval: float, duration: float, in_flight: int, db: Path
) -> dict:
    watches = tuple(
        Watch(
            probe=HttpCheck(
                name=f"check-{n}",
                url=f"http://127.0.0.1:{port}/health/{n}",
                timeout=timedelta(seconds=5),
            ),
            interval=timedelta(seconds=interval),
        )
        for n in range(checks)
    )
    engine = Engine(
        EngineSettings(watches=watches),
        IncidentStore(db),
        operator="bench",
        options=EngineOptions(max_in_flight=in_flight, freeze_at_start=True),
    )
    ran = 0

    def count(event: object) -> None:
        nonlocal ran
        if type(event).__name__ == "CheckRan":
            ran += 1

    engine.subscribe(count)
    cpu_before = time.process_time()
    wall_before = time.monotonic()
    await engine.start()
    await asyncio.sleep(duration)
    await engine.stop()
    cpu = time.process_time() - cpu_before
    wall = time.monotonic() - wall_before
    lags = sorted(engine.lags)
    failures = sum(1 for i in engine.incidents.values())
    return {
        "checks": checks,
        "interval_s": interval,
        "duration_s": round(wall, 1),
        "max_in_flight": in_flight,
        "checks_run": ran,
        "cpu_percent_of_one_core": round(100 * cpu / wall, 1),
        "cpu_ms_per_check": round(1000 * cpu / max(ran, 1), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "lag_p50_ms": round(1000 * _percentile(lags, 50), 2),
        "lag_p99_ms": round(1000 * _percentile(lags, 99), 2),
        "lag_max_ms": round(1000 * (lags[-1] if lags else 0), 2),
        "open_incidents": failures,
    }


def _percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def main() -> None:
    port, checks, interval, duration, in_flight = (
        int(sys.argv[1]),
        int(sys.argv[2]),
        float(sys.argv[3]),
        float(sys.argv[4]),
        int(sys.argv[5]),
    )
    result = asyncio.run(run(port, checks, interval, duration, in_flight, Path(sys.argv[6])))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
