"""The engine's single store writer: jobs in, batched transactions, changes out."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
from collections.abc import Callable

from onwatch.engine.recorder import apply_decisions
from onwatch.incidents import Change, Decision, IncidentError
from onwatch.store import IncidentStore, NotFound, StoreError, Transaction

log = logging.getLogger("onwatch.engine")

MAX_RETRY_SECONDS = 30.0

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
        self.unwritten = 0
        """Jobs submitted and not yet done with."""
        self.last_error: str | None = None
        """Why the last write failed, while writes are failing."""
        self._retry_now = asyncio.Event()
        # One thread of its own rather than the loop's default pool: the big buffers of every
        # write are then all allocated by the same thread, in one malloc arena, instead of
        # fragmenting one heap per pool thread (see store.native_memory).
        self._thread = concurrent.futures.ThreadPoolExecutor(1, "onwatch-store-writer")

    def submit(self, job: Job) -> None:
        self.unwritten += 1
        self._queue.put_nowait(job)

    def submit_decisions(self, decisions: list[Decision]) -> None:
        if decisions:
            self.submit(functools.partial(apply_decisions, decisions=decisions))

    async def run(self) -> None:
        batch: list[Job] = []
        delay = 0.0
        while True:
            if not batch:
                batch.append(await self._queue.get())
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            if await self._write(batch):
                for _ in batch:
                    self._queue.task_done()
                self.unwritten -= len(batch)
                batch, delay = [], 0.0
            else:
                # Keep the batch: the rules have moved on, so a decision dropped here (a
                # recovery, say) would never be made again. Try again, less and less often.
                delay = min(MAX_RETRY_SECONDS, max(1.0, delay * 2))
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._retry_now.wait()
                self._retry_now.clear()

    def _run_jobs(self, jobs: list[Job]) -> list[Change]:
        changes: list[Change] = []
        with self.store.transaction() as txn:
            for job in jobs:
                try:
                    changes.extend(job(txn))
                except (IncidentError, NotFound) as exc:
                    log.info("skipped a store job: %s", exc)
        return changes

    async def _write(self, jobs: list[Job]) -> bool:
        """True when the batch is done with (written, or impossible to write)."""
        try:
            # Shielded: a shutdown that cancels the writer still lets this transaction land.
            loop = asyncio.get_running_loop()
            writing = loop.run_in_executor(self._thread, self._run_jobs, jobs)
            changes = await asyncio.shield(writing)
        except (StoreError, OSError) as exc:
            if not self._failing:
                log.error("cannot write incidents (will retry): %s", exc)
            self._failing = True
            self.last_error = str(exc)
            self.on_error(f"cannot write incidents (retrying): {exc}")
            return False
        except Exception:
            # A bug, not the disk: retrying would fail the same way for ever.
            log.exception("store job failed; %d decisions dropped", len(jobs))
            self.on_error("an internal error dropped some incident updates; see the log")
            return True
        if self._failing:
            self._failing = False
            self.last_error = None
            self.on_error(None)
        if changes:
            self.on_changes(changes)
        return True

    async def flush(self) -> None:
        """Wait until everything submitted so far is written; a failed batch is retried at once
        rather than after its back-off (at shutdown there is no time to lose)."""
        self._retry_now.set()
        await self._queue.join()
