"""The engine's life cycle, mixed into `engine.core.Engine`: preparing the checks, starting
them on their schedules (or only the writer and the dispatcher, for a caller that drives time),
following a store another process runs, settling, stopping, and one run for `run --once`."""

from __future__ import annotations

import asyncio
import logging

from onwatch.collectors.specs import LocalCheck
from onwatch.engine import heap
from onwatch.engine.events import IncidentChanged
from onwatch.engine.options import SETTLE_SECONDS, STOP_SECONDS
from onwatch.engine.periodic import run_every
from onwatch.engine.scheduler import run_all_once
from onwatch.incidents import SYSTEM_ACTOR, Change

log = logging.getLogger("onwatch.engine")


class EngineLifeCycle:
    """Needs the engine's settings, clock, options, store-facing parts (writer, follower,
    probes, scheduler), notifications, pager, evaluator, predictions, actions, heartbeat and
    `reload`, `load_silences`, `poll_store`, `tick`, `self_check`, `set_status`, `subscribe`."""

    async def _prepare(self) -> None:
        if self._prepared:
            return
        # Imports, TLS contexts and a collector per check: work for a thread, not the loop.
        self._collectors = await asyncio.to_thread(self._probes.build, self.settings.watches)
        now = self.clock()
        for watch in self.settings.watches:
            self.evaluator.watch(watch.source, watch.name, watch.interval, now)
        if not self._loaded:  # the console may have loaded the incidents already
            await self.reload()
        await self.load_silences()
        await self._note_reboot()
        for problem in self.notifications.problems:
            self.set_status("channels", problem)
        # Judging the desktop may ask the session bus: off the event loop.
        self.set_status("desktop", await asyncio.to_thread(self.notifications.desktop_status))
        for incident in self.incidents.values():
            if incident.state.is_active and not self.predictions.resume(incident):
                self.evaluator.resume(
                    incident.source, incident.check, incident.metric, incident.severity
                )
        self._prepared = True

    async def _note_reboot(self) -> None:
        """Record "host rebooted" as a recent change when this host's boot time moved since
        the engine last saw it (kept in the change store, so once per reboot)."""
        changes = self.changes
        local = next((w for w in self.settings.watches if isinstance(w.probe, LocalCheck)), None)
        if changes is None or local is None:
            return
        from onwatch.collectors.local import boot_time

        try:
            booted = await asyncio.to_thread(boot_time)
            await asyncio.to_thread(
                changes.note_boot, local.source, booted, at=self.clock(), by=SYSTEM_ACTOR
            )
        except Exception as exc:  # a change log that fails must not stop the checks
            log.warning("could not record the boot time: %s", exc)

    async def start(self, *, schedule: bool = True) -> None:
        """Start every check on its schedule, plus the writer, the ticker and the store poller.

        With `schedule=False` only the writer and the dispatcher run: the caller drives checks
        (`run_checks`) and time (`tick`) itself, as tests with a fake clock do.
        """
        await self._prepare()
        self._tasks = [
            asyncio.create_task(self._writer.run(), name="writer"),
            asyncio.create_task(self.notifications.dispatcher.run(), name="dispatcher"),
        ]
        # Only the lease holder starts an engine: it alone runs actions.
        self.actions.enabled = True
        if not schedule:
            return
        if self.heartbeat is not None:
            self._tasks.append(asyncio.create_task(self.heartbeat.run(), name="heartbeat"))
        self._tasks += [
            asyncio.create_task(
                run_every(self.options.self_check_seconds, self.self_check, self.set_status),
                name="self check",
            ),
            asyncio.create_task(
                run_every(self.options.tick_seconds, self.tick, self.set_status), name="tick"
            ),
            asyncio.create_task(
                run_every(self.options.store_poll_seconds, self.poll_store, self.set_status),
                name="store poll",
            ),
        ]
        for extra in self.options.extra_tasks:
            self._tasks.append(asyncio.create_task(extra(self)))
        self._scheduler.start(self._collectors)
        self.scheduling = True
        if self.options.freeze_at_start:
            heap.freeze_built()

    async def follow(self) -> None:
        """Follow the store without being the engine: read what others write, write what this
        process's operator does, run no check and fire no timer (the lease holder does both)."""
        if not self._loaded:
            await self.reload()
        await self.load_silences()
        self._tasks = [
            asyncio.create_task(self._writer.run(), name="writer"),
            asyncio.create_task(self.notifications.dispatcher.run(), name="dispatcher"),
            asyncio.create_task(
                run_every(self.options.store_poll_seconds, self.poll_store, self.set_status),
                name="store poll",
            ),
        ]

    async def run_checks(self) -> None:
        """Run every check once now (the engine must be started)."""
        await run_all_once(self._scheduler, self._collectors)

    async def settle(self) -> None:
        """Wait until what has been decided is written and sent, and the outcomes recorded."""
        await self._finish_pending(SETTLE_SECONDS)

    async def stop(self, within: float = STOP_SECONDS) -> None:
        """Stop scheduling, give what was decided up to `within` seconds to reach the store and
        the channels, release connections."""
        self.scheduling = False
        if self.options.freeze_at_start:
            heap.thaw()
        await self._scheduler.stop()
        await self.actions.stop()
        keep = {"writer", "dispatcher"}
        periodic = [t for t in self._tasks if t.get_name() not in keep]
        for task in periodic:
            task.cancel()
        await asyncio.gather(*periodic, return_exceptions=True)
        if self.alertmanager is not None:
            await self.alertmanager.aclose()
        await self._finish_pending(within)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self._probes.aclose()

    async def _finish_pending(self, within: float) -> None:
        """Write what was decided, send what is due, and record how the sending went, all
        within `within` seconds; what could not be written by then is named in one line."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        await self._processes.wait(max(0.0, deadline - loop.time()))
        if await self._flush_writer(deadline):
            await self.notifications.drain(max(0.0, deadline - loop.time()))
            outcomes = self.pager.outcomes_job(self.clock())
            if outcomes is not None:
                self._writer.submit(outcomes)
            if await self._flush_writer(deadline):
                return
        log.error(
            "stopped with %d incident updates not written: %s",
            self._writer.unwritten,
            self._writer.last_error or "the incident store did not answer in time",
        )

    async def _flush_writer(self, deadline: float) -> bool:
        """True when everything submitted is written before `deadline` (the loop's time)."""
        try:
            async with asyncio.timeout_at(deadline):
                await self._writer.flush()
        except TimeoutError:
            return False
        return True

    async def run_once(self) -> list[Change]:
        """Run every check once, record the decisions, notify, and return what changed."""
        changes: list[Change] = []

        def keep(event: object) -> None:
            if isinstance(event, IncidentChanged):
                changes.append(event.change)

        unsubscribe = self.subscribe(keep)
        helpers = [
            asyncio.create_task(self._writer.run()),
            asyncio.create_task(self.notifications.dispatcher.run()),
        ]
        try:
            await self._prepare()
            await run_all_once(self._scheduler, self._collectors)
            await self._writer.flush()
            self.tick()
            await self._finish_pending(STOP_SECONDS)
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            unsubscribe()
            await self._probes.aclose()
            if self.alertmanager is not None:
                await self.alertmanager.aclose()
        return changes
