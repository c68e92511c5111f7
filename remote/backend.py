"""The console backend over the HTTP API: `onwatch --connect URL`.

A read model (open incidents, sources, status lines) loaded from the server and kept current by
its event stream; actions are HTTP calls. When the stream goes quiet or drops, the last known
picture stays on screen under a banner saying how old it is, and the backend reconnects on its
own with a growing pause, re-reading everything once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from onwatch.engine import api
from onwatch.incidents import Incident, IncidentError
from onwatch.incidents.external import runbook_of
from onwatch.incidents.timefmt import format_duration
from onwatch.remote import wire
from onwatch.remote.actions import RemoteActions
from onwatch.remote.client import ApiClient, EventStream
from onwatch.remote.model import ReadModel
from onwatch.remote.sse import SseEvent

log = logging.getLogger("onwatch.remote")

BANNER_KEY = "server"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RemoteBackend(RemoteActions):
    """`engine.api.ConsoleBackend` spoken over HTTP to `onwatch serve`.

    `dead_after`: seconds without a byte (the server pings every 15 s) before the stream counts
    as dead. Reconnects wait `backoff_first` seconds, doubling up to `backoff_max`.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        clock: Callable[[], datetime] = _utc_now,
        dead_after: float = 45.0,
        backoff_first: float = 0.5,
        backoff_max: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._api = ApiClient(url, token, transport=transport)
        self.url = self._api.shown
        self.clock = clock
        self.dead_after = dead_after
        self.backoff_first = backoff_first
        self.backoff_max = backoff_max
        self._listeners: list[api.Listener] = []
        self._model = ReadModel()
        self._loaded = False
        self._connected = False
        self._last_heard: datetime | None = None
        self._runbooks: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def operator(self) -> str:
        # Until the server says whose token this is, nobody here knows the name.
        hello = self._model.hello
        return "?" if hello is None else hello.name

    @property
    def ready(self) -> bool:
        return self._loaded

    @property
    def connected(self) -> bool:
        return self._connected

    @property
    def last_poll(self) -> datetime | None:
        return self._model.last_poll

    @property
    def engine_holder(self) -> str | None:
        engine = None if self._model.hello is None else self._model.hello.engine
        return f"server: {self.url}" + (f", engine: {engine}" if engine else "")

    # --- life cycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            stream = await self._connect()
        except api.Unavailable:
            await self._api.aclose()
            raise
        self._loaded = self._connected = True
        self._task = asyncio.create_task(self._follow(stream), name="onwatch-remote-events")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._api.aclose()

    def subscribe(self, listener: api.Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: api.BackendEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                # One listener's bug must not stop the stream for the rest of the session.
                log.exception("a listener failed on %s", type(event).__name__)

    # --- the connection ------------------------------------------------------------------------

    async def _connect(self) -> EventStream:
        """Open the event stream and read its hello, then load incidents and sources: what
        changes during the load waits in the stream, so nothing falls between the two."""
        stream = await self._api.open_events(self.dead_after)
        response = stream.response
        try:
            hello = await self._read_hello(stream)
            incidents = wire.incidents(await self._api.all_incidents("open"))
            sources = wire.sources(await self._api.get("/v1/sources"))
            runbooks = await self._read_runbooks()
        except BaseException as exc:
            await response.aclose()
            raise self._unavailable(exc) from None
        self._model.load(hello, incidents, sources)
        self._runbooks = runbooks
        return stream

    async def _read_runbooks(self) -> dict[str, str]:
        try:
            return wire.runbooks(await self._api.get("/v1/runbooks"))
        except api.NotFound:
            return {}  # a server from before runbooks were served: alerts' own only

    def _unavailable(self, exc: BaseException) -> BaseException:
        """Why a connection failed, as the one exception `start` and reconnecting expect."""
        if isinstance(exc, httpx.HTTPError):
            return api.Unavailable(self._api.unreachable(exc))
        if isinstance(exc, ValueError):
            return api.Unavailable(f"server {self.url} sent a bad answer: {exc}")
        if isinstance(exc, IncidentError | api.NotFound):
            return api.Unavailable(f"server {self.url}: {exc}")
        return exc  # Unavailable already, a cancellation, or a bug: as it is

    async def _read_hello(self, stream: EventStream) -> wire.Hello:
        while True:
            try:
                chunk = await anext(stream.chunks)
            except StopAsyncIteration:
                raise api.Unavailable(
                    f"server {self.url} closed the event stream before its hello"
                ) from None
            self._last_heard = self.clock()
            events = stream.parser.feed(chunk)
            for index, event in enumerate(events):
                if event.event == "hello":
                    # What came after it in the same chunk is handled once the load is done.
                    stream.pending = events[index + 1 :]
                    return wire.hello(wire.decode(event.data))

    async def _follow(self, stream: EventStream) -> None:
        while True:
            reason = await self._read(stream)
            self._connected = False
            log.warning("event stream from %s lost: %s", self.url, reason)
            self._emit(api.StatusUpdate(BANNER_KEY, self._banner()))
            stream = await self._reconnect()
            self._connected = True
            self._emit(api.IncidentsReplaced(tuple(self._model.incidents.values())))
            self._emit(api.StatusUpdate(BANNER_KEY, None))

    async def _read(self, stream: EventStream) -> str:
        """Handle events until the stream ends; returns why it did."""
        parser = stream.parser
        try:
            for event in stream.pending:
                self._handle(event)
            async for chunk in stream.chunks:
                self._last_heard = self.clock()
                dropped = parser.dropped
                for event in parser.feed(chunk):
                    self._handle(event)
                if parser.dropped > dropped:
                    log.warning("skipped an event from %s: a line over 1 MiB", self.url)
            return "the server closed the event stream"
        except httpx.ReadTimeout:
            return f"no word for {self.dead_after:g}s"
        except httpx.HTTPError as exc:
            return self._api.unreachable(exc)
        finally:
            await stream.response.aclose()

    async def _reconnect(self) -> EventStream:
        delay = self.backoff_first
        while True:
            await asyncio.sleep(delay)
            try:
                return await self._connect()
            except api.Unavailable as exc:
                log.info("reconnecting to %s: %s", self.url, exc)
            delay = min(delay * 2, self.backoff_max)

    def _banner(self) -> str:
        heard = self._last_heard
        age = "never" if heard is None else f"{format_duration(self.clock() - heard)} ago"
        return f"server unreachable: last heard {age}, reconnecting (what is shown may be old)"

    # --- the read model ------------------------------------------------------------------------

    def _handle(self, event: SseEvent) -> None:
        try:
            translated = self._model.apply(event)
        except (ValueError, RecursionError) as exc:
            log.warning("skipped a malformed %r event from %s: %s", event.event, self.url, exc)
            return
        if translated is not None:
            self._emit(translated)

    def incidents(self) -> Sequence[Incident]:
        return list(self._model.incidents.values())

    def incident(self, incident_id: int) -> Incident | None:
        return self._model.incidents.get(incident_id)

    def sources(self) -> Sequence[api.SourceView]:
        return list(self._model.sources.values())

    def statuses(self) -> Sequence[str]:
        lines = list(self._model.statuses.values())
        if self._loaded and not self._connected:
            # Worked out on every read, so the age the status bar shows keeps moving.
            lines.insert(0, self._banner())
        return lines

    def runbook(self, incident: Incident) -> str | None:
        # The check's runbook from the server's config (read at each connect and after a
        # reload asked from here), else the one an alert came with, as a local console does.
        return self._runbooks.get(incident.check) or runbook_of(incident)

    async def reload_config(self) -> api.ReloadOutcome:
        outcome = await super().reload_config()
        if outcome.applied:
            with contextlib.suppress(api.Unavailable, ValueError):
                self._runbooks = await self._read_runbooks()
        return outcome

    async def closed_incidents(self, limit: int) -> list[Incident]:
        # `newest` pages from the server's summaries instead of reading its whole archive.
        answer = await self._api.get("/v1/incidents", state="closed", newest=limit)
        found = wire.answer(wire.incidents, answer, self.url)
        found.sort(key=lambda i: i.closed_at or i.created_at, reverse=True)
        return found

    async def stats(
        self, since: timedelta | None, *, include_drills: bool = False
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"drills": "true" if include_drills else "false"}
        if since is not None:
            params["since"] = f"{max(1, int(since.total_seconds()))}s"
        answer = await self._api.get("/v1/stats", **params)
        return wire.answer(wire.stats, answer, self.url)
