"""Run every check on its own interval, a bounded number at a time, none waiting on another.

No task sleeps per check: each waits in one heap of timers (collectors.timers) until due, and
its run, the engine's guard and the collector's own deadline all share that heap's one loop
timer."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from onwatch.collectors.timers import CURRENT, TimerHeap
from onwatch.engine.ring import Ring
from onwatch.engine.specs import Watch
from onwatch.incidents import Sample

log = logging.getLogger("onwatch.engine")

STARTUP_RATE = 100.0
"""First runs are spread so that at most about this many checks start per second."""

START_SLACK = 0.025
"""Seconds a due check may wait so that one wake-up of the loop starts every check due by then
(see collectors.timers): far below any interval, and counted in the lag like any delay."""

GUARD_GRACE = 5.0
"""Seconds past a check's own timeout before the engine gives up on a collector that hangs."""


class Collector(Protocol):
    async def collect(self, now: datetime) -> list[Sample]: ...


LAG_WINDOW = 100_000
"""How many of the latest lags the engine keeps (benches read percentiles over them)."""


class Lags(Ring):
    """The latest `size` lags (100,000 by default: benches read percentiles over them), in
    memory taken at the start rather than growing for hours (see `engine.ring`)."""

    def __init__(self, size: int = LAG_WINDOW) -> None:
        super().__init__(size)


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


class _Check:
    """One watch on the schedule. Between runs it waits in the heap as a timer at its next
    due time; firing starts its run, and the run, once over, puts it back for the next."""

    __slots__ = ("collector", "due", "live", "name", "scheduler", "task", "watch")

    def __init__(self, scheduler: Scheduler, watch: Watch, collector: Collector, due: float):
        self.scheduler = scheduler
        self.watch = watch
        self.collector = collector
        self.name = f"check {watch.name}"
        self.due = due
        self.live = True
        """False once retired: its entry in the heap, if any, then fires nothing."""
        self.task: asyncio.Task[None] | None = None

    def fire(self) -> None:
        self.task = asyncio.get_running_loop().create_task(
            self.scheduler._turn(self), name=self.name
        )


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
        self._timers: TimerHeap | None = None
        self._checks: dict[int, _Check] = {}
        """Each scheduled watch, by the watch's id(): a reload retires some of them."""

    @property
    def timers(self) -> TimerHeap:
        """Due checks and the limits of running ones, on the running loop."""
        timers = self._timers
        if timers is None or timers.loop is not asyncio.get_running_loop():
            timers = self._timers = TimerHeap(slack=START_SLACK)
        return timers

    def start(self, watches: list[tuple[Watch, Collector]]) -> None:
        timers = self.timers
        now = timers.time()
        spread = len(watches) / STARTUP_RATE
        for watch, collector in watches:
            offset = self.rng.uniform(0, min(spread, watch.interval.total_seconds()))
            check = _Check(self, watch, collector, now + offset)
            self._checks[id(watch)] = check
            timers.at(check.due, check, loose=True)

    async def retire(self, watches: list[Watch]) -> None:
        """Stop scheduling these watches (removed or changed by a config reload); a run under
        way is cancelled."""
        ending = [check for w in watches if (check := self._checks.pop(id(w), None)) is not None]
        await self._end(ending)

    async def stop(self) -> None:
        ending, self._checks = list(self._checks.values()), {}
        await self._end(ending)

    async def _end(self, checks: list[_Check]) -> None:
        running = []
        for check in checks:
            check.live = False
            if check.task is not None:
                check.task.cancel()
                running.append(check.task)
        await asyncio.gather(*running, return_exceptions=True)
        if checks and self._timers is not None:
            self._timers.compact()

    def take_worst_lag(self) -> float:
        worst, self.worst_lag = self.worst_lag, 0.0
        return worst

    async def _turn(self, check: _Check) -> None:
        try:
            await self.run(check.watch, check.collector, check.due)
        except Exception:  # a bug past the collector's guard must not end the check's schedule
            log.exception("check %s: the run failed", check.watch.name)
        finally:
            check.task = None
        if not check.live:
            return
        interval = check.watch.interval.total_seconds()
        due = check.due + interval
        now = self.timers.time()
        if due < now:
            # A run longer than the interval: skip the missed slots rather than bunch up.
            due += ((now - due) // interval + 1) * interval
        check.due = due
        self.timers.at(due, check, loose=True)

    async def run(
        self, watch: Watch, collector: Collector, due: float | None = None
    ) -> list[Sample]:
        """Run one check now (waiting for a free slot) and report its samples."""
        timers = self.timers
        due = timers.time() if due is None else due
        async with self.slots:
            started = timers.time()
            lag = started - due
            self.lags.append(lag)
            if lag > self.worst_lag:
                self.worst_lag = lag
            # The collector's own limits (a fetch's deadline) go on this heap too.
            token = CURRENT.set(timers)
            try:
                samples = await self._collect(watch, collector, timers)
            finally:
                CURRENT.reset(token)
            duration = timers.time() - started
        self.on_result(watch, samples, due, started, duration)
        return samples

    async def _collect(self, watch: Watch, collector: Collector, timers: TimerHeap) -> list[Sample]:
        limit = guard_timeout(watch)
        try:
            async with timers.within(limit):
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
