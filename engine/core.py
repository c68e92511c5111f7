"""The engine: collectors -> rules -> store, on schedule, with events for whoever listens."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.clock import utc_now
from engine.events import (
    CheckRan,
    EventBus,
    IncidentChanged,
    IncidentsReloaded,
    StatusChanged,
    Subscriber,
)
from engine.history import History
from engine.operations import Operations
from engine.scheduler import Collector, Scheduler, run_all_once
from engine.specs import EngineSettings, Watch
from engine.writer import Writer
from incidents import Change, Evaluator, Incident, Sample, Threshold
from store import IncidentStore
from store.incident_store import Revision

log = logging.getLogger("onwatch.engine")

DEFAULT_MAX_IN_FLIGHT = 64
TICK_SECONDS = 1.0
STORE_POLL_SECONDS = 1.0

BuildCollector = Callable[[Watch], Collector]


def rule_for(watch: Watch, metric: str) -> Threshold | None:
    """`disk:/var` falls back to the `disk` rule: one rule covers every mount."""
    rule = watch.rules.get(metric)
    if rule is None and ":" in metric:
        rule = watch.rules.get(metric.split(":", 1)[0])
    return rule


@dataclass
class EngineOptions:
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    tick_seconds: float = TICK_SECONDS
    store_poll_seconds: float = STORE_POLL_SECONDS
    history_depth: int = 120
    extra_tasks: list[Callable[[Engine], Any]] = field(default_factory=list)


class Engine:
    def __init__(
        self,
        settings: EngineSettings,
        store: IncidentStore,
        *,
        operator: str,
        clock: Callable[[], datetime] = utc_now,
        build_collector: BuildCollector | None = None,
        options: EngineOptions | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.options = options or EngineOptions()
        self.bus = EventBus()
        self.history = History(self.options.history_depth)
        self.evaluator = Evaluator(settings.flap)
        self.incidents: dict[int, Incident] = {}
        self.status: dict[str, str] = {}
        self.last_poll: datetime | None = None
        self.operations = Operations(store, clock=clock, operator=operator)
        self._build_collector = build_collector
        self._client: Any = None
        self._collectors: list[tuple[Watch, Collector]] = []
        self._writer = Writer(store, self._on_changes, self._on_store_error)
        self._scheduler = Scheduler(clock, self._on_result, self.options.max_in_flight)
        self._tasks: list[asyncio.Task[Any]] = []
        self._seen_revision: Revision | None = None

    # --- subscribers ---------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        return self.bus.subscribe(subscriber)

    @property
    def lags(self) -> list[float]:
        return list(self._scheduler.lags)

    # --- life cycle ----------------------------------------------------------------------------

    async def _prepare(self) -> None:
        if self._collectors or not self.settings.watches:
            return
        build = self._build_collector
        if build is None:
            import collectors

            self._client = collectors.make_client()
            client = self._client

            def build(watch: Watch) -> Collector:
                return collectors.build(watch.probe, client)

        self._collectors = [(watch, build(watch)) for watch in self.settings.watches]
        now = self.clock()
        for watch in self.settings.watches:
            self.evaluator.watch(watch.source, watch.name, watch.interval, now)
        await self.reload()
        for incident in self.incidents.values():
            if incident.state.is_active:
                self.evaluator.resume(
                    incident.source, incident.check, incident.metric, incident.severity
                )

    async def start(self) -> None:
        """Start every check on its schedule, plus the writer, the ticker and the store poller."""
        await self._prepare()
        self._tasks = [
            asyncio.create_task(self._writer.run(), name="writer"),
            asyncio.create_task(self._every(self.options.tick_seconds, self.tick), name="tick"),
            asyncio.create_task(
                self._every(self.options.store_poll_seconds, self.poll_store), name="store poll"
            ),
        ]
        for extra in self.options.extra_tasks:
            self._tasks.append(asyncio.create_task(extra(self)))
        self._scheduler.start(self._collectors)

    async def stop(self) -> None:
        """Stop scheduling, let what was decided reach the store, release connections."""
        await self._scheduler.stop()
        ticker_and_others = [t for t in self._tasks if t.get_name() != "writer"]
        for task in ticker_and_others:
            task.cancel()
        await asyncio.gather(*ticker_and_others, return_exceptions=True)
        await self._writer.flush()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def run_once(self) -> list[Change]:
        """Run every check once, record the decisions, and return what changed."""
        changes: list[Change] = []

        def keep(event: object) -> None:
            if isinstance(event, IncidentChanged):
                changes.append(event.change)

        unsubscribe = self.subscribe(keep)
        writer = asyncio.create_task(self._writer.run())
        try:
            await self._prepare()
            await run_all_once(self._scheduler, self._collectors)
            await self._writer.flush()
        finally:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            unsubscribe()
            if self._client is not None:
                await self._client.aclose()
                self._client = None
        return changes

    async def _every(self, seconds: float, job: Callable[[], Any]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                result = job()
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("periodic job %s failed", getattr(job, "__name__", job))

    # --- the data flow -------------------------------------------------------------------------

    def _on_result(
        self, watch: Watch, samples: list[Sample], due: float, started: float, duration: float
    ) -> None:
        now = self.clock()
        self.last_poll = now
        self.history.add(samples)
        decisions = []
        for sample in samples:
            decisions.extend(self.evaluator.evaluate(sample, rule_for(watch, sample.metric)))
        self._writer.submit(decisions)
        loop_now = asyncio.get_running_loop().time()
        self.bus.publish(
            CheckRan(
                source=watch.source,
                check=watch.name,
                samples=tuple(samples),
                due=now - timedelta(seconds=loop_now - due),
                started=now - timedelta(seconds=loop_now - started),
                duration=timedelta(seconds=duration),
            )
        )

    def tick(self) -> None:
        """Decisions that come from time passing: silent checks, flapping that calmed down."""
        self._writer.submit(self.evaluator.tick(self.clock()))

    def _on_changes(self, changes: list[Change]) -> None:
        for change in changes:
            self._track(change.incident)
            self.bus.publish(IncidentChanged(change))

    def _track(self, incident: Incident) -> None:
        if incident.is_open:
            self.incidents[incident.id] = incident
        else:
            self.incidents.pop(incident.id, None)

    def _on_store_error(self, text: str | None) -> None:
        self.set_status("store", text)

    def set_status(self, key: str, text: str | None) -> None:
        if self.status.get(key) == text:
            return
        if text is None:
            self.status.pop(key, None)
        else:
            self.status[key] = text
        self.bus.publish(StatusChanged(key, text))

    async def reload(self) -> None:
        """Re-read the unclosed incidents (another process may have changed them)."""
        self.store.own_writes.clear()
        revision = self.store.revision()
        unclosed = await asyncio.to_thread(self.store.unclosed)
        self._seen_revision = revision
        self.incidents = {i.id: i for i in unclosed}
        self.bus.publish(IncidentsReloaded(tuple(unclosed)))

    async def poll_store(self) -> None:
        current = self.store.revision()
        if current == self._seen_revision:
            return
        # Follow the chain of our own writes; any gap in it is another process's write.
        seen = self._seen_revision
        while self.store.own_writes and seen != current:
            before, after = self.store.own_writes.popleft()
            if before != seen:
                break
            seen = after
        if seen == current:
            self._seen_revision = current
        else:
            await self.reload()

    # --- operator actions, off the event loop ----------------------------------------------------

    async def act(self, action: str, incident_id: int, *args: Any, **kwargs: Any) -> Change:
        """Run an operations-API call (acknowledge, escalate, ...) in a thread; publish the change."""
        method = getattr(self.operations, action)
        change: Change = await asyncio.to_thread(method, incident_id, *args, **kwargs)
        self._track(change.incident)
        self.bus.publish(IncidentChanged(change))
        return change
