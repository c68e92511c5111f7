"""Run every check on its own interval, a bounded number at a time, none waiting on another."""

from __future__ import annotations

import asyncio
import logging
import random
from array import array
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from typing import Protocol

from onwatch.engine.specs import Watch
from onwatch.incidents import Sample

log = logging.getLogger("onwatch.engine")

STARTUP_RATE = 100.0
"""First runs are spread so that at most about this many checks start per second."""

GUARD_GRACE = 5.0
"""Seconds past a check's own timeout before the engine gives up on a collector that hangs."""


class Collector(Protocol):
    async def collect(self, now: datetime) -> list[Sample]: ...


LAG_WINDOW = 100_000
"""How many of the latest lags the engine keeps (benches read percentiles over them)."""


class Lags:
    """The latest `size` lags in a ring of doubles, allocated once.

    A deque of floats costs a Python object per reading and only stops growing once full (about
    4 MiB for 100,000, hours into a run); here the memory is all taken at the start.
    """

    def __init__(self, size: int = LAG_WINDOW) -> None:
        self._ring = array("d", bytes(8 * size))
        self._count = 0

    def append(self, lag: float) -> None:
        self._ring[self._count % len(self._ring)] = lag
        self._count += 1

    def __len__(self) -> int:
        return min(self._count, len(self._ring))

    def __iter__(self) -> Iterator[float]:
        size = len(self._ring)
        if self._count <= size:
            return iter(self._ring[: self._count])
        cut = self._count % size
        return iter(self._ring[cut:] + self._ring[:cut])


OnResult = Callable[[Watch, list[Sample], float, float, float], None]
"""(watch, samples, due, started, duration), times on the loop's monotonic clock."""


def guard_timeout(watch: Watch) -> float:
    timeout = getattr(watch.probe, "timeout", None)
    base = (
        timeout.total_seconds()
        if isinstance(timeout, timedelta)
        else watch.interval.total_seconds()
    )
    return base + GUARD_GRACE


class Scheduler:
    def __init__(
        self,
        clock: Callable[[], datetime],
        on_result: OnResult,
        max_in_flight: int,
        rng: random.Random | None = None,
    ) -> None:
        self.clock = clock
        self.on_result = on_result
        self.slots = asyncio.Semaphore(max_in_flight)
        self.rng = rng or random.Random()
        self.lags = Lags()
        self.worst_lag = 0.0
        """The worst lag since the own-health check last took it (`take_worst_lag`)."""
        self._tasks: list[asyncio.Task[None]] = []
        self._loops: dict[int, asyncio.Task[None]] = {}
        """Each running watch's loop, by the watch's id(): a reload retires some of them."""

    def start(self, watches: list[tuple[Watch, Collector]]) -> None:
        spread = len(watches) / STARTUP_RATE
        for watch, collector in watches:
            offset = self.rng.uniform(0, min(spread, watch.interval.total_seconds()))
            task = asyncio.create_task(
                self._loop(watch, collector, offset), name=f"check {watch.name}"
            )
            self._tasks.append(task)
            self._loops[id(watch)] = task

    async def retire(self, watches: list[Watch]) -> None:
        """Stop the loops of these watches (removed or changed by a config reload)."""
        ending = [task for w in watches if (task := self._loops.pop(id(w), None)) is not None]
        for task in ending:
            task.cancel()
        await asyncio.gather(*ending, return_exceptions=True)
        self._tasks = [task for task in self._tasks if task not in ending]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        self._loops.clear()

    def take_worst_lag(self) -> float:
        worst, self.worst_lag = self.worst_lag, 0.0
        return worst

    async def _loop(self, watch: Watch, collector: Collector, offset: float) -> None:
        loop = asyncio.get_running_loop()
        interval = watch.interval.total_seconds()
        due = loop.time() + offset
        while True:
            await asyncio.sleep(max(0.0, due - loop.time()))
            await self.run(watch, collector, due)
            due += interval
            if due < loop.time():
                # A run longer than the interval: skip the missed slots rather than bunch up.
                missed = (loop.time() - due) // interval + 1
                due += missed * interval

    async def run(
        self, watch: Watch, collector: Collector, due: float | None = None
    ) -> list[Sample]:
        """Run one check now (waiting for a free slot) and report its samples."""
        loop = asyncio.get_running_loop()
        due = loop.time() if due is None else due
        async with self.slots:
            started = loop.time()
            self.lags.append(started - due)
            self.worst_lag = max(self.worst_lag, started - due)
            samples = await self._collect(watch, collector)
            duration = loop.time() - started
        self.on_result(watch, samples, due, started, duration)
        return samples

    async def _collect(self, watch: Watch, collector: Collector) -> list[Sample]:
        limit = guard_timeout(watch)
        try:
            async with asyncio.timeout(limit):
                return await collector.collect(self.clock())
        except TimeoutError:
            error = f"check did not finish within {limit:g}s"
        except Exception as exc:  # a collector bug must not stop the other checks
            log.exception("check %s failed", watch.name)
            error = f"collector error: {type(exc).__name__}"
        return [Sample.failed(watch.source, watch.name, "up", error, self.clock())]


async def run_all_once(
    scheduler: Scheduler, watches: list[tuple[Watch, Collector]]
) -> list[list[Sample]]:
    runs: list[Awaitable[list[Sample]]] = [scheduler.run(w, c) for w, c in watches]
    return list(await asyncio.gather(*runs))
