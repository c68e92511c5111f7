"""The console backend in-process: an engine in this process, behind `engine.api`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from onwatch.engine import api
from onwatch.engine.clock import utc_now
from onwatch.engine.core import Engine
from onwatch.engine.events import EngineEvent
from onwatch.engine.history_report import stats_of
from onwatch.engine.local_actions import LocalActions
from onwatch.engine.local_support import guarded, translate
from onwatch.incidents import Incident, State
from onwatch.incidents.external import runbook_of
from onwatch.store.lease import EngineLease

TAKEOVER_SECONDS = 1.0
"""How often a console without the engine checks whether the engine's process has ended."""


class LocalBackend(LocalActions):
    """Wraps an engine, or a function that builds one.

    A builder runs in a thread when `start` is called, so a console can draw its first frame
    before the engine's imports and connections are ready. With `run_checks=False` the backend
    loads and acts on the store but schedules no check (snapshots, tests).

    With a `lease` that another process holds, the console runs the `standby` engine instead:
    it follows the store and acts on it, runs no check and sends nothing, and takes the engine
    over (building the real one) as soon as the holder's process ends.

    `reload` reads the config file again and applies it to the engine it is given (the same
    path as SIGHUP's); without it, `reload_config` says there is no file to read.
    """

    def __init__(
        self,
        engine: Engine | Callable[[], Engine],
        *,
        operator: str,
        runbooks: Mapping[str, str] | None = None,
        run_checks: bool = True,
        lease: EngineLease | None = None,
        standby: Callable[[], Engine] | None = None,
        clock: Callable[[], datetime] = utc_now,
        takeover_seconds: float = TAKEOVER_SECONDS,
        reload: Callable[[Engine], Awaitable[api.ReloadOutcome]] | None = None,
    ) -> None:
        self._factory = None if isinstance(engine, Engine) else engine
        self.engine: Engine | None = engine if isinstance(engine, Engine) else None
        self._operator = operator
        self._runbooks = dict(runbooks or {})
        self._run_checks = run_checks
        self._lease = lease
        self._standby = standby
        self._clock = clock
        self._takeover_seconds = takeover_seconds
        self._reload = reload
        self._holder: str | None = None
        self._waiting: asyncio.Task[None] | None = None
        self._listeners: list[api.Listener] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._loaded = False
        self._started = False

    @property
    def operator(self) -> str:
        return self._operator

    @property
    def ready(self) -> bool:
        return self._loaded

    @property
    def last_poll(self) -> datetime | None:
        return None if self.engine is None else self.engine.last_poll

    @property
    def engine_holder(self) -> str | None:
        return self._holder

    # --- life cycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        if self._lease is not None and not self._lease.held and self._standby is not None:
            await self._start_standby()
            return
        if self.engine is None:
            assert self._factory is not None
            self.engine = await asyncio.to_thread(self._factory)
        await self._run(self.engine)

    async def _run(self, engine: Engine) -> None:
        self._attach(engine)
        # Incidents first: what is already open matters more than the checks starting up.
        await engine.reload()
        self._loaded = True
        if self._run_checks:
            await engine.start()
            self._started = True

    def _attach(self, engine: Engine) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.engine = engine
        self._unsubscribe = engine.subscribe(self._forward)

    async def _start_standby(self) -> None:
        assert self._standby is not None
        engine = await asyncio.to_thread(self._standby)
        self._attach(engine)
        await self._describe_holder()
        await engine.follow()
        self._loaded = True
        self._started = True
        self._waiting = asyncio.create_task(self._wait_for_the_engine(), name="lease")

    async def _describe_holder(self) -> None:
        assert self._lease is not None
        holder = await asyncio.to_thread(self._lease.holder)
        self._holder = "engine: " + (holder.describe() if holder else "another process")

    async def _wait_for_the_engine(self) -> None:
        """Take the engine over when its holder's process ends (a crash and `kill -9` too)."""
        assert self._lease is not None
        lease = self._lease
        while True:
            await asyncio.sleep(self._takeover_seconds)
            if not await asyncio.to_thread(lease.acquire, self._clock()):
                await self._describe_holder()
                continue
            try:
                await self._take_over()
                return
            except Exception as exc:
                # The engine needs what this console lacks (a secret, say): leave it to others.
                lease.release()
                self._emit(api.StatusUpdate("takeover", f"could not take over the engine: {exc}"))

    async def _take_over(self) -> None:
        assert self._factory is not None
        engine = await asyncio.to_thread(self._factory)
        standby = self.engine
        if standby is not None:
            await standby.stop()
        self._holder = None
        self._started = False
        await self._run(engine)
        self._emit(api.IncidentsReplaced(tuple(engine.incidents.values())))
        self._emit(
            api.StatusUpdate("takeover", "this console now runs the engine: the one before ended")
        )

    async def stop(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
            await asyncio.gather(self._waiting, return_exceptions=True)
            self._waiting = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._started and self.engine is not None:
            self._started = False
            await self.engine.stop()
        if self._lease is not None:
            self._lease.release()

    def subscribe(self, listener: api.Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _forward(self, event: EngineEvent) -> None:
        self._emit(translate(event))

    def _emit(self, event: api.BackendEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # --- the read model ------------------------------------------------------------------------

    def incidents(self) -> Sequence[Incident]:
        return [] if self.engine is None else list(self.engine.incidents.values())

    def incident(self, incident_id: int) -> Incident | None:
        return None if self.engine is None else self.engine.incidents.get(incident_id)

    def sources(self) -> Sequence[api.SourceView]:
        if self.engine is None:
            return []
        history = self.engine.history
        views: dict[str, api.SourceView] = {}
        for watch in self.engine.settings.watches:
            if watch.source in views:
                continue  # several checks of one source share its row
            metric = api.headline_metric(watch.kind)
            views[watch.source] = api.SourceView(
                name=watch.source,
                kind=watch.kind,
                samples=history.latest_for(watch.source),
                trend=tuple(history.values(watch.source, metric)),
            )
        return list(views.values())

    def statuses(self) -> Sequence[str]:
        return [] if self.engine is None else list(self.engine.status.values())

    def runbook(self, incident: Incident) -> str | None:
        return self._runbooks.get(incident.check) or runbook_of(incident)

    async def closed_incidents(self, limit: int) -> list[Incident]:
        engine = self._engine()

        def newest_closed() -> list[Incident]:
            # The newest by id, from the archive's summaries: only the months holding them
            # are read.
            found = engine.store.page({State.CLOSED}, limit=limit)
            found.sort(key=lambda i: i.closed_at or i.created_at, reverse=True)
            return found

        return await guarded(asyncio.to_thread(newest_closed))

    async def stats(
        self, since: timedelta | None, *, include_drills: bool = False
    ) -> dict[str, Any]:
        engine = self._engine()
        now = engine.clock()
        start = None if since is None else now - since
        figures = partial(
            stats_of, engine.store, now=now, since=start, include_drills=include_drills
        )
        return await guarded(asyncio.to_thread(figures))

    def _engine(self) -> Engine:
        if self.engine is None:
            raise api.Unavailable("onwatch is still starting")
        return self.engine
