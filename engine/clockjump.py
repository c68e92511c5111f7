"""Telling a wall clock that jumped (NTP stepping it, an operator setting it, a suspended
laptop waking) from time that passed, by comparing it with the loop's monotonic clock."""

from __future__ import annotations

from datetime import datetime, timedelta

JUMP_TOLERANCE = timedelta(seconds=30)
"""Drift between the two clocks below this is slewing or a busy loop, not a jump."""


class ClockWatch:
    def __init__(self, tolerance: timedelta = JUMP_TOLERANCE) -> None:
        self.tolerance = tolerance
        self._last: tuple[datetime, float] | None = None

    def jumped(self, wall: datetime, monotonic: float) -> timedelta | None:
        """How far the wall clock jumped since the last call (None when it did not)."""
        last, self._last = self._last, (wall, monotonic)
        if last is None:
            return None
        drift = (wall - last[0]) - timedelta(seconds=monotonic - last[1])
        return drift if abs(drift) > self.tolerance else None
