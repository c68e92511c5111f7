"""Many timers behind one loop timer: they fire in order, a dead one fires nothing, and a limit
on the heap behaves as asyncio.timeout does (TimeoutError, someone else's cancel goes through)."""

from __future__ import annotations

import asyncio

import pytest

from onwatch.collectors.timers import CURRENT, Limit, TimerHeap, within


class Mark:
    def __init__(self, fired: list[str], label: str) -> None:
        self.fired = fired
        self.label = label
        self.live = True

    def fire(self) -> None:
        self.fired.append(self.label)


async def until(condition, seconds: float = 10) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


async def test_timers_fire_in_order_of_their_time_then_of_their_arrival() -> None:
    heap, fired = TimerHeap(), []
    now = heap.time()
    for label, delay in (("c", 0.06), ("a", 0.02), ("b", 0.04), ("a again", 0.02)):
        heap.at(now + delay, Mark(fired, label))
    await until(lambda: len(fired) == 4)
    assert fired == ["a", "a again", "b", "c"]
    assert len(heap) == 0


async def test_a_timer_past_its_time_fires_on_the_next_pass() -> None:
    heap, fired = TimerHeap(), []
    heap.at(heap.time() - 5, Mark(fired, "late"))
    await until(lambda: fired == ["late"])


async def test_a_timer_no_longer_live_fires_nothing_and_compacting_drops_it() -> None:
    heap, fired = TimerHeap(), []
    now = heap.time()
    dead, kept = Mark(fired, "dead"), Mark(fired, "kept")
    heap.at(now + 0.02, dead)
    heap.at(now + 30, kept)
    heap.at(now + 0.04, Mark(fired, "after"))
    dead.live = False
    await until(lambda: fired == ["after"])
    await asyncio.sleep(0.03)
    assert fired == ["after"]
    also_dead = Mark(fired, "also dead")
    heap.at(now + 40, also_dead, loose=True)
    also_dead.live = False
    heap.compact()
    assert len(heap) == 1  # only the live one, 30 s away


async def test_a_limit_on_the_heap_raises_timeout_error_at_its_time() -> None:
    heap = TimerHeap()
    started = heap.time()
    with pytest.raises(TimeoutError):
        async with heap.within(0.05):
            await asyncio.sleep(30)
    assert 0.05 <= heap.time() - started < 5


async def test_a_block_done_in_time_is_not_cancelled_afterwards() -> None:
    heap = TimerHeap()
    async with heap.within(0.02):
        await asyncio.sleep(0)
    await asyncio.sleep(0.08)  # past the limit's time: its entry must fire nothing
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]


async def test_nested_limits_the_inner_one_ends_only_its_own_block() -> None:
    heap = TimerHeap()
    reached = False
    async with heap.within(30):
        with pytest.raises(TimeoutError):
            async with heap.within(0.02):
                await asyncio.sleep(30)
        await asyncio.sleep(0.01)
        reached = True
    assert reached


async def test_the_outer_limit_ends_a_block_the_inner_one_would_let_run() -> None:
    heap = TimerHeap()
    with pytest.raises(TimeoutError):
        async with heap.within(0.02), heap.within(30):
            await asyncio.sleep(30)


async def test_cancelling_the_task_goes_through_a_limit() -> None:
    heap = TimerHeap()

    async def waits() -> None:
        async with heap.within(30):
            await asyncio.sleep(30)

    task = asyncio.create_task(waits())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_cancel_arriving_with_the_limit_is_not_swallowed() -> None:
    heap = TimerHeap()
    limits: list[Limit] = []

    async def waits() -> None:
        async with heap.within(30) as limit:
            limits.append(limit)
            await asyncio.sleep(30)

    task = asyncio.create_task(waits())
    await until(lambda: bool(limits))
    limits[0].fire()  # the limit expires and, in the same pass, the check is retired
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_within_uses_the_current_heap_and_asyncio_elsewhere() -> None:
    assert not isinstance(within(1), Limit)
    with pytest.raises(TimeoutError):
        async with within(0.02):
            await asyncio.sleep(30)
    heap = TimerHeap()
    token = CURRENT.set(heap)
    try:
        assert isinstance(within(1), Limit)
        with pytest.raises(TimeoutError):
            async with within(0.02):
                await asyncio.sleep(30)
    finally:
        CURRENT.reset(token)


async def test_a_lone_limit_left_in_time_leaves_nothing_to_wake_the_loop_for() -> None:
    heap, fired = TimerHeap(), []
    heap.at(heap.time() + 60, Mark(fired, "later"))
    async with heap.within(30):
        await asyncio.sleep(0)
    assert len(heap) == 1  # the limit's entry is gone; the loop timer waits for "later"


class Stamp(Mark):
    def __init__(self, fired: list[str], label: str, heap: TimerHeap, log: dict) -> None:
        super().__init__(fired, label)
        self.heap = heap
        self.log = log

    def fire(self) -> None:
        super().fire()
        self.log[self.label] = self.heap.time()


async def test_loose_timers_due_within_the_slack_fire_together_never_early() -> None:
    heap, fired, log = TimerHeap(slack=0.2), [], {}
    now = heap.time()
    heap.at(now + 0.05, Stamp(fired, "first", heap, log), loose=True)
    heap.at(now + 0.15, Stamp(fired, "second", heap, log), loose=True)
    heap.at(now + 0.02, Stamp(fired, "exact", heap, log))
    await until(lambda: len(fired) == 3)
    assert fired == ["exact", "first", "second"]
    assert now + 0.02 <= log["exact"] < now + 0.05  # the exact one did not wait
    assert log["second"] >= now + 0.15  # neither before its time
    assert log["second"] - log["first"] < 0.01  # one pass for both (alone, 0.1 s apart)
