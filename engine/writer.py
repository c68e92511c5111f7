"""The engine's single store writer: decisions in, batched transactions, changes out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from engine.recorder import record
from incidents import Change, Decision
from store import IncidentStore, StoreError

log = logging.getLogger("onwatch.engine")


class Writer:
    """Serialises store writes off the event loop.

    While one transaction is being written (in a thread), new decisions queue up and go into
    the next one together, so the cost per decision falls as the load rises.
    """

    def __init__(
        self,
        store: IncidentStore,
        on_changes: Callable[[list[Change]], None],
        on_error: Callable[[str | None], None],
    ) -> None:
        self.store = store
        self.on_changes = on_changes
        self.on_error = on_error
        self._queue: asyncio.Queue[list[Decision]] = asyncio.Queue()
        self._failing = False

    def submit(self, decisions: list[Decision]) -> None:
        if decisions:
            self._queue.put_nowait(decisions)

    async def run(self) -> None:
        while True:
            batches = [await self._queue.get()]
            while not self._queue.empty():
                batches.append(self._queue.get_nowait())
            try:
                await self._write([d for batch in batches for d in batch])
            finally:
                for _ in batches:
                    self._queue.task_done()

    async def _write(self, decisions: list[Decision]) -> None:
        try:
            # Shielded: a shutdown that cancels the writer still lets this transaction land.
            changes = await asyncio.shield(asyncio.to_thread(record, self.store, decisions))
        except (StoreError, OSError) as exc:
            log.error("cannot write incidents: %s", exc)
            self._failing = True
            self.on_error(f"cannot write incidents: {exc}")
            return
        if self._failing:
            self._failing = False
            self.on_error(None)
        if changes:
            self.on_changes(changes)

    async def flush(self) -> None:
        """Wait until everything submitted so far is written."""
        await self._queue.join()
