"""The scheduler's heap: due checks start in order and never early, a hung collector is given
up on its grace past its own timeout, and retiring checks on a reload loses none of the others."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import datetime

import onwatch.engine.scheduler as scheduler
from onwatch.engine.clock import utc_now
from onwatch.engine.scheduler import Scheduler
from onwatch.engine.specs import Watch
from onwatch.incidents import Sample
from tests.engine.conftest import wait_for, watch


class Counting:
    def __init__(self, spec: Watch, delay: float = 0.0) -> None:
        self.watch = spec
        self.delay = delay
        self.calls = 0
        self.running = 0
        self.overlapped = False

    async def collect(self, now: datetime) -> list[Sample]:
        self.calls += 1
        self.running += 1
        self.overlapped |= self.running > 1
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            self.running -= 1
        return [Sample(self.watch.source, self.watch.name, "value", 1.0, now)]


def scheduled(runs: list[tuple[str, float, float]], in_flight: int = 64) -> Scheduler:
    def record(w: Watch, samples: list[Sample], due: float, started: float, _: float) -> None:
        runs.append((w.name, due, started))

    return Scheduler(utc_now, record, in_flight, rng=random.Random(7))


async def test_due_checks_start_in_the_order_they_fall_due_and_never_early() -> None:
    runs: list[tuple[str, float, float]] = []
    sched = scheduled(runs)
    checks = [Counting(watch(f"c{n}", interval=0.03 + 0.01 * n)) for n in range(6)]
    sched.start([(c.watch, c) for c in checks])
    try:
        await wait_for(lambda: len(runs) >= 60)
    finally:
        await sched.stop()
    by_start = sorted(runs, key=lambda run: run[2])
    dues = [due for _, due, _ in by_start]
    assert dues == sorted(dues)
    assert all(started >= due - 0.001 for _, due, started in runs)
    assert all(check.calls >= 3 for check in checks)


async def test_a_hung_collector_is_given_up_on_its_grace_past_its_timeout(monkeypatch) -> None:
    monkeypatch.setattr(scheduler, "GUARD_GRACE", 0.1)
    hung = Counting(watch("hung", timeout=0.05), delay=3600)
    sched = scheduled([])
    loop = asyncio.get_running_loop()
    started = loop.time()
    (sample,) = await sched.run(hung.watch, hung)
    assert sample.error == "check did not finish within 0.15s"
    assert 0.15 <= loop.time() - started < 5
    assert hung.running == 0  # cancelled, not left running


async def test_a_run_longer_than_its_interval_skips_slots_instead_of_overlapping() -> None:
    slow = Counting(watch("slow", interval=0.02), delay=0.07)
    runs: list[tuple[str, float, float]] = []
    sched = scheduled(runs)
    sched.start([(slow.watch, slow)])
    try:
        await wait_for(lambda: len(runs) >= 4)
    finally:
        await sched.stop()
    assert not slow.overlapped
    starts = [started for _, _, started in runs]
    assert all(later - earlier >= 0.06 for earlier, later in itertools.pairwise(starts))


async def test_retiring_checks_on_a_reload_loses_none_of_the_others() -> None:
    runs: list[tuple[str, float, float]] = []
    sched = scheduled(runs)
    kept = [Counting(watch(f"kept{n}", interval=0.02)) for n in range(3)]
    stuck = Counting(watch("stuck", interval=0.02), delay=3600)
    sched.start([(c.watch, c) for c in [*kept, stuck]])
    await wait_for(lambda: stuck.running == 1 and all(c.calls >= 2 for c in kept))
    await sched.retire([stuck.watch])
    assert stuck.running == 0  # its run was cancelled with it
    replacement = Counting(watch("stuck", interval=0.02))
    sched.start([(replacement.watch, replacement)])
    before = [c.calls for c in kept]
    try:
        await wait_for(lambda: all(c.calls >= b + 3 for c, b in zip(kept, before, strict=True)))
        await wait_for(lambda: replacement.calls >= 3)
    finally:
        await sched.stop()
    assert stuck.calls == 1
    calls = [c.calls for c in (*kept, replacement)]
    await asyncio.sleep(0.1)
    assert [c.calls for c in (*kept, replacement)] == calls  # stopped means stopped
    assert all(t.done() for t in asyncio.all_tasks() if t is not asyncio.current_task())
