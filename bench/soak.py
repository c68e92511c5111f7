"""The soak: many checks flapping at random for a simulated day, on an injected clock.

`python -m bench.soak [hours] [checks]` prints the figures as JSON; `make soak` runs the full
24 hours with 500 checks (tests/faults/test_soak.py asserts on the same figures).

Each simulated minute every check reports (about 2% flip between up and down each minute);
every simulated hour the operator closes what has recovered, so closed incidents move to the
monthly archive. Memory, the live file and the archive are measured as it goes.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from onwatch.collectors.specs import HttpCheck
from onwatch.engine import Engine, EngineOptions, EngineSettings, Watch
from onwatch.engine.notifying import Notifications
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Sample, State
from onwatch.store import IncidentStore

T0 = datetime(2026, 11, 1, tzinfo=UTC)
STEP = timedelta(minutes=1)
FLIP = 0.02


@dataclass
class SoakResult:
    hours: float
    checks: int
    samples: int = 0
    seconds: float = 0.0
    rss_mib: list[float] = field(default_factory=list)
    """At the start, the middle and the end of the day. "Start" is the end of the first simulated
    hour (its 60 rounds of checks written, its recovered incidents closed and archived): the
    imports, the first incidents and the store's caches are in place by then. The middle is
    half-way between that and the end (hour 12.5 of 24); the end is after the last round."""
    rss_hourly: list[float] = field(default_factory=list)
    """Resident memory at the end of every simulated hour."""
    live_bytes: list[int] = field(default_factory=list)
    """The live file at each simulated hour."""
    archive_bytes: int = 0
    incidents: int = 0
    open: int = 0
    archived: int = 0
    duplicate_ids: int = 0
    lost: int = 0
    """Incidents neither in the live file nor in an archive (must be 0)."""

    @property
    def rss_spread(self) -> float:
        """(max - min) / min of the RSS readings."""
        low = min(self.rss_mib)
        return (max(self.rss_mib) - low) / low

    @property
    def archive_per_day_mib(self) -> float:
        return self.archive_bytes / 2**20 * 24 / self.hours

    def figures(self) -> dict[str, object]:
        figures = asdict(self)
        figures["rss_spread"] = round(self.rss_spread, 4)
        figures["archive_per_day_mib"] = round(self.archive_per_day_mib, 3)
        figures["live_bytes_max"] = max(self.live_bytes, default=0)
        figures["live_bytes"] = self.live_bytes[:: max(1, len(self.live_bytes) // 12)]
        return figures


class SimClock:
    def __init__(self) -> None:
        self.now = T0
        self.passed = 0.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.passed

    def advance(self, delta: timedelta) -> None:
        self.now += delta
        self.passed += delta.total_seconds()


class Flapping:
    """A check that is up or down, flipping at random each time it runs."""

    def __init__(self, watch: Watch, rng: random.Random) -> None:
        self.watch = watch
        self.rng = rng
        self.down = False

    async def collect(self, now: datetime) -> list[Sample]:
        if self.rng.random() < FLIP:
            self.down = not self.down
        if self.down:
            return [Sample.failed(self.watch.source, self.watch.name, "up", "HTTP 503", now)]
        source, name = self.watch.source, self.watch.name
        return [Sample(source, name, "up", 1.0, now), Sample(source, name, "latency", 0.05, now)]


def _watches(count: int) -> list[Watch]:
    return [
        Watch(
            probe=HttpCheck(name=f"svc{n:03d}", url=f"http://svc{n}.invalid/"),
            interval=STEP,
        )
        for n in range(count)
    ]


def _rss_mib() -> float:
    return psutil.Process().memory_info().rss / 2**20


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.exists())


async def _soak(folder: Path, hours: float, checks: int, seed: int) -> SoakResult:
    rng = random.Random(seed)
    clock = SimClock()
    watches = _watches(checks)
    collectors = {w.name: Flapping(w, rng) for w in watches}
    store = IncidentStore(folder / "incidents.json")
    # No channel to tell; a storm threshold out of reach, so grouping never waits on real time.
    notify = NotifySettings(desktop=False, storm_threshold=10**9)
    engine = Engine(
        EngineSettings(watches=tuple(watches), notify=notify),
        store,
        operator="soak",
        clock=clock,
        build_collector=lambda w: collectors[w.name],
        options=EngineOptions(watch_clock=True, monotonic=clock.monotonic),
        notifications=Notifications(notify, clock, hold_seconds=0.0),
    )
    result = SoakResult(hours=hours, checks=checks)
    steps = int(hours * 60)
    readings = {60, 60 + (steps - 60) // 2, steps} if steps > 60 else {1, steps // 2, steps}
    started = time.perf_counter()
    await engine.start(schedule=False)
    try:
        for step in range(1, steps + 1):
            clock.advance(STEP)
            await engine.run_checks()
            result.samples += checks
            await engine.settle()
            engine.tick()
            await engine.poll_store()  # what its store-poll timer does between checks
            if step % 60 == 0:
                for incident in store.unclosed():
                    if incident.state is State.RESOLVED:
                        change = await asyncio.to_thread(
                            engine.operations.close, incident.id, note="recovered, closing"
                        )
                        engine.publish_change(change)
                await engine.settle()
                result.live_bytes.append(store.path.stat().st_size)
            if step % 60 == 0 or step in readings:
                rss = round(_rss_mib(), 1)
                if step % 60 == 0:
                    result.rss_hourly.append(rss)
                if step in readings:
                    result.rss_mib.append(rss)
        await engine.settle()
    finally:
        await engine.stop()
    result.seconds = round(time.perf_counter() - started, 1)
    live = store.unclosed()
    archived = list(store.archived())
    ids = [i.id for i in live] + [i.id for i in archived]
    result.open = len(live)
    result.archived = len(archived)
    result.incidents = len(set(ids))
    result.duplicate_ids = len(ids) - len(set(ids))
    highest = max(ids, default=0)
    result.lost = highest - len(set(ids))  # ids are handed out 1, 2, 3...: a gap is a loss
    result.archive_bytes = _size(store.archive_paths())
    return result


def soak(hours: float = 24.0, checks: int = 500, seed: int = 14, folder: Path | None = None):
    """Run the soak in `folder` (a temporary one by default) and return its figures."""
    if folder is not None:
        return asyncio.run(_soak(folder, hours, checks, seed))
    with tempfile.TemporaryDirectory(prefix="onwatch-soak-") as tmp:
        return asyncio.run(_soak(Path(tmp), hours, checks, seed))


def main(argv: list[str]) -> None:
    hours = float(argv[0]) if argv else 24.0
    checks = int(argv[1]) if len(argv) > 1 else 500
    print(json.dumps(soak(hours, checks).figures(), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
