"""Time for the dispatcher's collection delay and storm window that moves only when told."""

from __future__ import annotations

import asyncio


class ManualTimers:
    """`notify.storm.Timers` on a clock a test moves with `advance`; nothing waits in real time."""

    def __init__(self) -> None:
        self._now = 0.0
        self._alarms: list[tuple[float, asyncio.Future[None]]] = []
        self._parked: asyncio.Future[None] | None = None

    def now(self) -> float:
        return self._now

    async def wait(self, wake: asyncio.Event, deadline: float | None) -> None:
        if self._parked is not None and not self._parked.done():
            self._parked.set_result(None)  # the dispatcher acted on what woke it, and waits again
        if deadline is not None and deadline <= self._now:
            return
        alarm = asyncio.get_running_loop().create_future()
        entry = (deadline if deadline is not None else float("inf"), alarm)
        self._alarms.append(entry)
        woken = asyncio.ensure_future(wake.wait())
        try:
            await asyncio.wait({woken, alarm}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            alarm.cancel()
            self._alarms.remove(entry)

    async def advance(self, seconds: float) -> None:
        """Move time on; returns once the dispatcher has acted on every deadline passed."""
        self._now += seconds
        rung = [alarm for due, alarm in self._alarms if due <= self._now and not alarm.done()]
        if not rung:
            return
        self._parked = asyncio.get_running_loop().create_future()
        for alarm in rung:
            alarm.set_result(None)
        async with asyncio.timeout(10):
            await self._parked
