"""The engine's single store writer: jobs in, batched transactions, changes out."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

from engine.recorder import apply_decisions
from incidents import Change, Decision, IncidentError
from store import IncidentStore, NotFound, StoreError, Transaction

log = logging.getLogger("onwatch.engine")

Job = Callable[[Transaction], list[Change]]
"""A piece of work on the store: reads and puts through the transaction, returns its changes."""


class Writer:
    """Serialises the engine's store writes off the event loop.

    While one transaction is being written (in a thread), new jobs queue up and go into the
    next one together, so the cost per job falls as the load rises. A job whose incident moved
    on in the meantime (closed from the CLI, say) is skipped, not allowed to sink the batch.
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
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._failing = False

    def submit(self, job: Job) -> None:
        self._queue.put_nowait(job)

    def submit_decisions(self, decisions: list[Decision]) -> None:
        if decisions:
            self.submit(functools.partial(apply_decisions, decisions=decisions))

    async def run(self) -> None:
        while True:
            jobs = [await self._queue.get()]
            while not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            try:
                await self._write(jobs)
            finally:
                for _ in jobs:
                    self._queue.task_done()

    def _run_jobs(self, jobs: list[Job]) -> list[Change]:
        changes: list[Change] = []
        with self.store.transaction() as txn:
            for job in jobs:
                try:
                    changes.extend(job(txn))
                except (IncidentError, NotFound) as exc:
                    log.info("skipped a store job: %s", exc)
        return changes

    async def _write(self, jobs: list[Job]) -> None:
        try:
            # Shielded: a shutdown that cancels the writer still lets this transaction land.
            changes = await asyncio.shield(asyncio.to_thread(self._run_jobs, jobs))
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
