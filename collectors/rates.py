"""Turning ever-growing counters into rates: CPU busy share, errors per second."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class CounterRate:
    """Per-second rate of a counter between two readings; None for the first reading and
    after a reset (a counter going backwards means the host or exporter restarted)."""

    _last: tuple[float, float] | None = None

    def update(self, value: float, seconds: float) -> float | None:
        """`seconds` is a monotonic reading of when `value` was taken."""
        last, self._last = self._last, (value, seconds)
        if last is None:
            return None
        elapsed = seconds - last[1]
        grown = value - last[0]
        if elapsed <= 0 or grown < 0:
            return None
        return grown / elapsed


@dataclass(slots=True)
class BusyShare:
    """Percent of CPU time spent busy between two readings of (total, idle) seconds."""

    _last: tuple[float, float] | None = None

    def update(self, total: float, idle: float) -> float | None:
        last, self._last = self._last, (total, idle)
        if last is None:
            return None
        spent = total - last[0]
        rested = idle - last[1]
        if spent <= 0 or rested < 0:
            return None
        return min(100.0, max(0.0, 100.0 * (spent - rested) / spent))
