"""Storm grouping: when many notifications of one kind come at once, send one summary instead.

Every notification is held for a short collection delay (`hold`) to see whether a storm is
forming. When more than `threshold` of one kind arrive within `window`, the batch goes out as one
grouped message; while the storm lasts, later ones of that kind are collected into at most one
grouped message per window. Pure: the time (seconds on a monotonic clock) is a parameter, and
`Timers` is how the dispatcher reads that clock and waits on it, so tests move time by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict, deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)
J = TypeVar("J")


class Timers(Protocol):
    """The clock storm grouping runs on, and the one wait it needs."""

    def now(self) -> float:
        """Seconds on a monotonic clock."""
        ...

    async def wait(self, wake: asyncio.Event, deadline: float | None) -> None:
        """Until `wake` is set or the clock reaches `deadline` (None: no deadline)."""
        ...


class MonotonicTimers:
    """Real time: `time.monotonic`, the clock asyncio's own timers run on."""

    def now(self) -> float:
        return time.monotonic()

    async def wait(self, wake: asyncio.Event, deadline: float | None) -> None:
        if deadline is None:
            await wake.wait()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), max(0.0, deadline - self.now()))


@dataclass(frozen=True, slots=True)
class Flush(Generic[K, J]):
    """A batch whose collection delay is over: send `jobs` one by one, or as one if `grouped`."""

    kind: K
    jobs: list[J]
    grouped: bool


@dataclass(slots=True)
class _Batch(Generic[J]):
    first_at: float
    last_at: float
    jobs: list[J] = field(default_factory=list)


class Storms(Generic[K, J]):
    """Notifications held per kind until their batch is due."""

    def __init__(self, *, threshold: int, window: float, hold: float) -> None:
        if threshold < 1:
            raise ValueError("storm_threshold must be at least 1")
        self.threshold = threshold
        self.window = window
        self.hold_for = hold
        self._batches: dict[K, _Batch[J]] = {}
        self._recent: dict[K, deque[float]] = defaultdict(deque)
        self._grouped_at: dict[K, float] = {}

    def __bool__(self) -> bool:
        """Whether anything is held."""
        return bool(self._batches)

    def hold(self, kind: K, job: J, now: float) -> None:
        batch = self._batches.setdefault(kind, _Batch(now, now))
        batch.jobs.append(job)
        batch.last_at = now
        self._recent[kind].append(now)

    def next_deadline(self) -> float | None:
        """When the first held batch falls due; None when nothing is held."""
        return min((self._deadline(k, b) for k, b in self._batches.items()), default=None)

    def due(self, now: float) -> list[Flush[K, J]]:
        """Take every batch whose time has come."""
        flushes = []
        for kind in [k for k, b in self._batches.items() if self._deadline(k, b) <= now]:
            batch = self._batches.pop(kind)
            # Judged as of the batch's last arrival, as its deadline was: a batch held back as
            # part of a storm stays grouped even when the window has slid past the storm's start.
            stormy = self._recent_count(kind, batch.last_at) > self.threshold
            grouped = len(batch.jobs) > 1 and stormy
            if grouped:
                self._grouped_at[kind] = now
            flushes.append(Flush(kind, batch.jobs, grouped))
        return flushes

    def _recent_count(self, kind: K, now: float) -> int:
        """Notifications of `kind` in the window ending at `now` (a batch's last arrival; those
        only grow, so trimming the deque as we go loses nothing a later count needs)."""
        recent = self._recent[kind]
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        return len(recent)

    def _deadline(self, kind: K, batch: _Batch[J]) -> float:
        if self._recent_count(kind, batch.last_at) <= self.threshold:
            return batch.first_at + self.hold_for
        last_group = self._grouped_at.get(kind)
        if last_group is not None and batch.first_at - last_group < self.window:
            # The storm was announced already: at most one more summary per window.
            return max(batch.first_at + self.hold_for, last_group + self.window)
        # A storm is forming: wait until it pauses, but not longer than a window.
        return min(batch.last_at + self.hold_for, batch.first_at + self.window)
