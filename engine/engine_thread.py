"""The in-process console backend with its engine on a thread of its own.

The engine's checks, rules, timers and store work run on an event loop of their own, in a
thread beside the console's: a key the operator presses never waits behind a hundred HTTP
checks a second. Across the two loops go only immutable values: the console reads a
snapshot (`View`) the engine's thread replaces whole, and events reach the console's
listeners on the console's loop, in batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

from onwatch.engine import api
from onwatch.engine.local_backend import LocalBackend
from onwatch.engine.threaded_actions import ThreadedActions
from onwatch.incidents import Incident

T = TypeVar("T")

SOURCES_SECONDS = 0.25
"""The sources' snapshot is taken at most this often: a thousand sources cost milliseconds to
copy, checks report a hundred times a second, and the console redraws them twice a second."""

JOIN_SECONDS = 30.0
"""How long quitting waits for the engine's thread once the engine has stopped."""


@dataclass(frozen=True, slots=True)
class View:
    """What the console may read of the engine at one moment, never changed once made."""

    ready: bool = False
    incidents: tuple[Incident, ...] = ()
    by_id: Mapping[int, Incident] = field(default_factory=lambda: MappingProxyType({}))
    sources: tuple[api.SourceView, ...] = ()
    statuses: tuple[str, ...] = ()
    last_poll: datetime | None = None


class ThreadedBackend(ThreadedActions):
    """A `LocalBackend` run on its own thread and event loop, behind the same interface.

    Every action runs on the engine's loop and its answer comes back to the caller's; the
    snapshot includes an action's change before the action returns, so a screen that redraws
    on the answer shows it.
    """

    def __init__(self, inner: LocalBackend, *, sources_seconds: float = SOURCES_SECONDS) -> None:
        self._inner = inner
        self._sources_seconds = sources_seconds
        self._view = View()
        self._listeners: list[api.Listener] = []
        self._ui: asyncio.AbstractEventLoop | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        # Touched on the engine's thread only:
        self._events: list[api.BackendEvent] = []
        self._samples: list[api.BackendEvent] = []
        self._soon = self._later = False
        self._sources_stale = self._incidents_stale = True
        self._sources_at = 0.0

    # --- the read model: the last snapshot -------------------------------------------------------

    @property
    def operator(self) -> str:
        return self._inner.operator

    @property
    def ready(self) -> bool:
        return self._view.ready

    @property
    def last_poll(self) -> datetime | None:
        return self._view.last_poll

    @property
    def engine_holder(self) -> str | None:
        # A string replaced whole on the engine's thread (the standby describes the holder
        # without an event): reading the reference is safe.
        return self._inner.engine_holder

    def incidents(self) -> Sequence[Incident]:
        return self._view.incidents

    def incident(self, incident_id: int) -> Incident | None:
        return self._view.by_id.get(incident_id)

    def sources(self) -> Sequence[api.SourceView]:
        return self._view.sources

    def statuses(self) -> Sequence[str]:
        return self._view.statuses

    def runbook(self, incident: Incident) -> str | None:
        return self._inner.runbook(incident)  # the config's runbooks and the incident: no state

    def subscribe(self, listener: api.Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # --- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        self._ui = asyncio.get_running_loop()
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=self._serve, args=(loop,), name="onwatch-engine")
        self._thread.daemon = True  # a console killed mid-start must not hang on it
        self._thread.start()
        self._unsubscribe = self._inner.subscribe(self._collect)
        await self._call(self._inner.start())

    async def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            if self._unsubscribe is not None:
                self._unsubscribe()
            await self._call(self._inner.stop())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            await asyncio.to_thread(thread.join, JOIN_SECONDS)
            self._loop = self._thread = None

    @staticmethod
    def _serve(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the engine's loop and await its answer on this one."""
        if self._loop is None:
            work.close()
            raise api.Unavailable("onwatch is still starting")
        done: Future[T] = asyncio.run_coroutine_threadsafe(self._then_publish(work), self._loop)
        return await asyncio.wrap_future(done)

    async def _then_publish(self, work: Coroutine[Any, Any, T]) -> T:
        try:
            return await work
        finally:
            # Before the answer crosses: a screen redrawn on it reads the change it made.
            self._publish(everything=True)

    # --- engine thread: snapshots and events ----------------------------------------------------

    def _collect(self, event: api.BackendEvent) -> None:
        """On the engine's loop: keep the event and publish soon, once for many events.

        New samples wait for the next snapshot of the sources (`sources_seconds` apart);
        anything else goes out at the loop's next turn."""
        loop = asyncio.get_running_loop()
        if isinstance(event, api.SamplesUpdate):
            self._samples.append(event)
            self._sources_stale = True
            if not self._later:
                self._later = True
                wait = self._sources_at + self._sources_seconds - time.monotonic()
                loop.call_later(max(0.0, wait), self._publish_sources)
            return
        self._events.append(event)
        self._incidents_stale = True
        if not self._soon:
            self._soon = True
            loop.call_soon(self._publish_soon)

    def _publish_soon(self) -> None:
        self._soon = False
        self._publish()

    def _publish_sources(self) -> None:
        self._later = False
        self._publish()

    def _publish(self, *, everything: bool = False) -> None:
        """A fresh snapshot of what went stale, then the events it includes to the console."""
        inner, view = self._inner, self._view
        events, self._events = self._events, []
        now = time.monotonic()
        sources, incidents = view.sources, view.incidents
        due = now >= self._sources_at + self._sources_seconds
        if everything or not sources or (self._sources_stale and due):
            sources = tuple(inner.sources())
            self._sources_stale = False
            self._sources_at = now
            events += self._samples
            self._samples = []
        if everything or self._incidents_stale or not view.ready:
            incidents = tuple(inner.incidents())
            self._incidents_stale = False
        self._view = View(
            ready=inner.ready,
            incidents=incidents,
            by_id=view.by_id
            if incidents is view.incidents
            else MappingProxyType({i.id: i for i in incidents}),
            sources=sources,
            statuses=tuple(inner.statuses()),
            last_poll=inner.last_poll,
        )
        if events and self._ui is not None and not self._ui.is_closed():
            # The console's loop may close meanwhile: then nobody is left to tell.
            with contextlib.suppress(RuntimeError):
                self._ui.call_soon_threadsafe(self._deliver, events)

    def _deliver(self, events: list[api.BackendEvent]) -> None:
        """On the console's loop: each event to each listener, in order."""
        for event in events:
            for listener in list(self._listeners):
                listener(event)
