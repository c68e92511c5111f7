"""Many timers behind one asyncio timer: when checks are due, and the limits they run within.

A check used to cost three asyncio timers (its sleep until due, the engine's guard, the fetch's
own deadline), each a Python object pushed into the loop's heap, whose entries are ordered by a
Python `__lt__`. Here the timers of every check sit in one heap of plain tuples (ordered in C),
and a single loop timer is aimed at the earliest: checks falling due, and limits that expire.

`within(seconds)` is `asyncio.timeout(seconds)` for code that runs under a `TimerHeap` (the
engine's scheduler makes its heap current for every check it runs) and asyncio's own timeout
elsewhere, so a collector keeps its deadline whoever calls it.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import time
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from types import TracebackType
from typing import Protocol

log = logging.getLogger("onwatch.collectors")

_RESOLUTION = time.get_clock_info("monotonic").resolution
"""The loop runs a timer this early at most (as asyncio does): what is due by then is due."""


class Timer(Protocol):
    """An entry of the heap: `fire()` runs at its time unless `live` has turned false."""

    live: bool

    def fire(self) -> None: ...


class TimerHeap:
    """Timers on one event loop, in heaps of (when, order, timer), behind one loop timer.

    An exact timer fires at its time. A loose one (a check falling due) may fire up to `slack`
    later, together with every other loose one due by then: one wake-up of the loop then
    starts several checks, with the interpreter's caches still warm from the first, which
    costs far less than waking once for each.

    An entry whose timer is no longer live stays in its heap until it reaches the top (or the
    next `compact`): removing it at once would cost a search of the heap.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None, slack: float = 0.0) -> None:
        self.loop = loop or asyncio.get_running_loop()
        self.time = self.loop.time
        self.slack = slack
        self._exact: list[tuple[float, int, Timer]] = []
        self._loose: list[tuple[float, int, Timer]] = []
        self._order = itertools.count()
        self._handle: asyncio.TimerHandle | None = None
        self._aimed = 0.0

    def __len__(self) -> int:
        return len(self._exact) + len(self._loose)

    def at(self, when: float, timer: Timer, *, loose: bool = False) -> None:
        """Fire `timer` at loop time `when` (at once, on the next pass, if that has passed);
        `loose`: up to `slack` later, with the others due by then."""
        heapq.heappush(self._loose if loose else self._exact, (when, next(self._order), timer))
        fire_by = when + self.slack if loose else when
        if self._handle is None or fire_by < self._aimed:
            self._aim(fire_by)

    def within(self, seconds: float) -> Limit:
        """Like `asyncio.timeout(seconds)` for the current task, on this heap."""
        return Limit(self, seconds)

    def dropped(self, when: float) -> None:
        """An exact entry at `when` stopped being live: if the loop timer waits for it, aim it
        at the next live one (a lone check's limit would otherwise wake the loop for nothing)."""
        if self._handle is not None and when == self._aimed:
            self._reaim()

    def compact(self) -> None:
        """Drop every entry no longer live (after many timers were given up at once)."""
        for heap in (self._exact, self._loose):
            heap[:] = [entry for entry in heap if entry[2].live]
            heapq.heapify(heap)
        self._reaim()

    def _aim(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._aimed = when
        self._handle = self.loop.call_at(when, self._fire)

    def _reaim(self) -> None:
        exact, loose = self._exact, self._loose
        while exact and not exact[0][2].live:
            heapq.heappop(exact)
        while loose and not loose[0][2].live:
            heapq.heappop(loose)
        fire_by = min(
            exact[0][0] if exact else math.inf, loose[0][0] + self.slack if loose else math.inf
        )
        if fire_by == math.inf:
            if self._handle is not None:
                self._handle.cancel()
                self._handle = None
        elif self._handle is None or fire_by != self._aimed:
            self._aim(fire_by)

    def _fire(self) -> None:
        self._handle = None
        now = self.time() + _RESOLUTION
        for heap in (self._exact, self._loose):
            while heap and heap[0][0] <= now:
                timer = heapq.heappop(heap)[2]
                if timer.live:
                    try:
                        timer.fire()
                    except Exception:  # one broken timer must not stop the others
                        log.exception("timer %r failed", timer)
        self._reaim()


CURRENT: ContextVar[TimerHeap | None] = ContextVar("onwatch_timer_heap", default=None)
"""The heap of whoever runs the current check (the engine's scheduler), if anyone."""


def within(seconds: float) -> AbstractAsyncContextManager[object]:
    """A limit for the block inside: TimeoutError once `seconds` have passed, as with
    `asyncio.timeout`, on the current check's heap when there is one."""
    heap = CURRENT.get()
    if heap is None:
        return asyncio.timeout(seconds)
    return Limit(heap, seconds)


class Limit:
    """`asyncio.timeout` on a TimerHeap: the task is cancelled when the time comes, and the
    cancellation leaves the block as TimeoutError, unless someone else also cancelled the
    task (stopping the engine, retiring the check): that cancellation goes through."""

    __slots__ = ("_cancelling", "_heap", "_seconds", "_task", "_when", "fired", "live")

    def __init__(self, heap: TimerHeap, seconds: float) -> None:
        self._heap = heap
        self._seconds = seconds
        self._task: asyncio.Task[object] | None = None
        self._cancelling = 0
        self._when = 0.0
        self.live = False
        self.fired = False

    async def __aenter__(self) -> Limit:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a limit needs a task to cancel")
        self._task = task
        self._cancelling = task.cancelling()
        self.live = True
        self._when = self._heap.time() + self._seconds
        self._heap.at(self._when, self)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.live = False
        self._heap.dropped(self._when)
        # Ours was a cancellation like any other: take it back; someone else's stays.
        task = self._task
        if (
            self.fired
            and task is not None
            and task.uncancel() <= self._cancelling
            and kind is asyncio.CancelledError
        ):
            raise TimeoutError from exc

    def fire(self) -> None:
        self.live = False
        self.fired = True
        if self._task is not None:
            self._task.cancel()
