"""Connection slots for `onwatch agent`: a global cap, a lower cap per address, and a deadline
for each request head.

A slow client (slowloris: half a request line, then nothing) must not lock out the pollers.
Each connection waiting for a request head has until `head_seconds` after it started waiting;
then it is closed. When an address holds `per_address` connections, or all `total` slots are
taken, a new connection takes the slot of the one that has waited longest for its head (a
connection that is being answered is never displaced): a well-behaved poller always gets in,
and a client that only opens sockets only displaces its own or other stalled ones.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

TOTAL = 64
PER_ADDRESS = 16
HEAD_SECONDS = 5.0


@dataclass(eq=False, slots=True)
class Slot:
    """One connection: its address, and since when it waits for a request head (None: busy)."""

    address: str
    task: asyncio.Task[None]
    waiting_since: float | None = field(default_factory=time.monotonic)

    def waiting(self) -> None:
        self.waiting_since = time.monotonic()

    def busy(self) -> None:
        self.waiting_since = None


class Slots:
    def __init__(
        self, total: int = TOTAL, per_address: int = PER_ADDRESS, head_seconds: float = HEAD_SECONDS
    ) -> None:
        self.total = total
        self.per_address = min(per_address, total)
        self.head_seconds = head_seconds
        self._slots: dict[asyncio.Task[None], Slot] = {}

    def __len__(self) -> int:
        return len(self._slots)

    def tasks(self) -> list[asyncio.Task[None]]:
        return list(self._slots)

    def take(self, address: str, task: asyncio.Task[None]) -> Slot | None:
        """A slot for a new connection, displacing the longest-stalled one if needed; None if
        every slot it could take is busy answering."""
        mine = [s for s in self._slots.values() if s.address == address]
        if len(mine) >= self.per_address and not self._displace(mine):
            return None
        if len(self._slots) >= self.total and not self._displace(list(self._slots.values())):
            return None
        slot = Slot(address, task)
        self._slots[task] = slot
        return slot

    def release(self, slot: Slot) -> None:
        self._slots.pop(slot.task, None)

    def _displace(self, candidates: list[Slot]) -> bool:
        stalled = [s for s in candidates if s.waiting_since is not None]
        if not stalled:
            return False
        oldest = min(stalled, key=lambda s: s.waiting_since or 0.0)
        # Its task ends (and releases the slot) when it next runs; the slot is free for us now.
        self._slots.pop(oldest.task, None)
        oldest.task.cancel()
        return True
