"""The engine: collectors -> rules -> store, on schedule, with events for whoever listens.

Its life cycle (start, follow, settle, stop) is `engine.life_cycle`; watching onwatch itself
(actions, heartbeat, own health, drills) is `engine.watching`."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from onwatch.engine.clock import utc_now
from onwatch.engine.clockjump import ClockWatch
from onwatch.engine.events import (
    CheckRan,
    EventBus,
    IncidentChanged,
    IncidentsReloaded,
    StatusChanged,
    Subscriber,
)
from onwatch.engine.evidence import ProcessEvidence
from onwatch.engine.following import StoreFollower, newer
from onwatch.engine.history import History
from onwatch.engine.life_cycle import EngineLifeCycle
from onwatch.engine.notifying import Notifications
from onwatch.engine.operations import Operations
from onwatch.engine.options import EngineOptions
from onwatch.engine.predictions import Predictions
from onwatch.engine.probes import BuildCollector, Probes
from onwatch.engine.scheduler import Collector, Scheduler
from onwatch.engine.specs import EngineSettings, Watch
from onwatch.engine.timeline_jobs import drills_job
from onwatch.engine.watching import WatchingOnwatch
from onwatch.engine.writer import Writer
from onwatch.incidents import Change, Evaluator, Incident, Sample
from onwatch.incidents.drills import drill_due
from onwatch.incidents.silences import Silence
from onwatch.incidents.timefmt import format_duration
from onwatch.store import IncidentStore
from onwatch.store.native_memory import tune_allocator

if TYPE_CHECKING:
    from onwatch.engine.alertmanager_sync import SilenceSync
    from onwatch.engine.reload import ReloadHook, ReloadReport
    from onwatch.notify.alertmanager_target import AlertmanagerTarget
    from onwatch.store.change_store import ChangeStore
    from onwatch.store.silence_store import SilenceStore

log = logging.getLogger("onwatch.engine")


class Engine(EngineLifeCycle, WatchingOnwatch):
    def __init__(
        self,
        settings: EngineSettings,
        store: IncidentStore,
        *,
        operator: str,
        clock: Callable[[], datetime] = utc_now,
        build_collector: BuildCollector | None = None,
        options: EngineOptions | None = None,
        notifications: Notifications | None = None,
        silences: SilenceStore | None = None,
        changes: ChangeStore | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.options = options or EngineOptions()
        self.bus = EventBus()
        self.history = History(self.options.history_depth)
        self.evaluator = Evaluator(settings.flap)
        self.predictions = Predictions()
        self.incidents: dict[int, Incident] = {}
        self.status: dict[str, str] = {}
        self.last_poll: datetime | None = None
        self.notifications = notifications or Notifications(settings.notify, clock)
        self.pager = self.notifications.pager
        self.operations = Operations(
            store,
            clock=clock,
            operator=operator,
            policy_for=self.pager.policy,
            silences=silences,
            roles=[role.name for role in settings.notify.roles],
            resolution_required=settings.resolution_required,
            guides=settings.guides,
            changes=changes,
        )
        self.changes = changes
        self.silences = silences
        self._silence_revision: object = None
        self._probes = Probes(build_collector)
        self._collectors: list[tuple[Watch, Collector]] = []
        tune_allocator()  # before the writer's thread: a long-running engine's memory stays flat
        self._writer = Writer(store, self._on_changes, self._on_store_error)
        self.alertmanager = self.silence_sync(settings.alertmanager)
        """Keeps silences in Alertmanager for acknowledged external incidents, when configured."""
        self._processes = ProcessEvidence(settings.watches, self._writer.submit)
        self._scheduler = Scheduler(clock, self._on_result, self.options.max_in_flight)
        self._tasks: list[asyncio.Task[Any]] = []
        self._follower = StoreFollower(store)
        self._prepared = False
        self._loaded = False
        self._watch_itself(store)
        self.scheduling = False
        """True while every check runs on its own schedule (`start()`)."""
        self.reload_hooks: list[ReloadHook] = []
        watching = self.options.watch_clock
        self._clock_watch = (
            ClockWatch() if (watching or (watching is None and clock is utc_now)) else None
        )

    def silence_sync(self, spec: AlertmanagerTarget | None) -> SilenceSync | None:
        """What keeps onwatch's silences in step with `spec`'s Alertmanager (None: none)."""
        if spec is None:
            return None
        # Here, not at the top: httpx loads only when there is an Alertmanager to talk to
        # (`incidents list` imports the engine's modules and must stay light).
        from onwatch.engine.alertmanager_sync import SilenceSync
        from onwatch.notify.alertmanager import AlertmanagerClient

        return SilenceSync(AlertmanagerClient(spec), self._writer.submit, poll=spec.poll)

    # --- subscribers ---------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        return self.bus.subscribe(subscriber)

    @property
    def lags(self) -> list[float]:
        return list(self._scheduler.lags)

    # --- the data flow -------------------------------------------------------------------------

    def _on_result(
        self, watch: Watch, samples: list[Sample], due: float, started: float, duration: float
    ) -> None:
        now = self._now()
        self.last_poll = now
        self.history.add(samples)
        predicted = self.predictions.judge(watch, samples)  # first: it records disk growth
        decisions = []
        for sample in samples:
            decisions.extend(self.evaluator.evaluate(sample, watch.rule_for(sample.metric)))
        if decisions or predicted:
            self._writer.submit_decisions(self.predictions.with_growth(decisions) + predicted)
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
        """What time passing does: silent checks, flapping that calmed down, escalation steps,
        reminders, acknowledgement timeouts, silences starting and ending, and Alertmanager's
        silences kept in step."""
        now = self._now()
        self._writer.submit_decisions(self.evaluator.tick(now))
        if self.pager.any_due(self.incidents, now):
            self._writer.submit(self.pager.timers_job(now))
        outcomes = self.pager.outcomes_job(now)
        if outcomes is not None:
            self._writer.submit(outcomes)
        if self.alertmanager is not None:
            self.alertmanager.tick(now, self.incidents)
        if any(drill_due(incident, now) for incident in self.incidents.values()):
            self._writer.submit(functools.partial(drills_job, now=now))

    def _now(self) -> datetime:
        """The wall clock, after moving the evaluator's times by any jump it made: a clock
        set back an hour or forward a day is no hour of silence and no storm of "no data"."""
        now = self.clock()
        if self._clock_watch is not None:
            monotonic = self.options.monotonic or asyncio.get_running_loop().time
            jump = self._clock_watch.jumped(now, monotonic())
            if jump is not None:
                self.evaluator.shift(jump)
                log.warning("the wall clock jumped by %s; timers follow it", _signed(jump))
        return now

    def _on_changes(self, changes: list[Change]) -> None:
        now = self.clock()
        for change in changes:
            self._processes.observe(change)
            self._track(change.incident)
            self.notifications.observe(change.incident, now)
            self.actions.observe(change.incident)
            self.bus.publish(IncidentChanged(change))

    def _track(self, incident: Incident) -> None:
        if incident.is_open:
            kept = newer(self.incidents.get(incident.id), incident)
            self.incidents[incident.id] = kept
            self.pager.due.note(kept, self.clock())
        else:
            self.incidents.pop(incident.id, None)
            self.pager.due.forget(incident.id)

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
        revision = self._follower.reading()
        unclosed = await asyncio.to_thread(self.store.unclosed)
        self._follower.read(revision)
        if not self._loaded:
            # What the store held when this process started was announced by an earlier run
            # (or deliberately not): only what happens from now on notifies.
            self._loaded = True
            self.pager.already_told(unclosed)
            self.actions.already_told(unclosed)
        current = self.incidents
        self.incidents = {i.id: newer(current.get(i.id), i) for i in unclosed}
        # Closed elsewhere since the last read: gone from the unclosed file, but the close still
        # has to be announced (to send_resolved channels and the reporter).
        gone = [i for i in current if i not in self.incidents]
        closed = await asyncio.to_thread(self._follower.closed, gone)
        now = self.clock()
        for incident in (*self.incidents.values(), *closed):
            self.notifications.observe(incident, now)
            self.actions.observe(incident)
        self.bus.publish(IncidentsReloaded(tuple(self.incidents.values())))

    async def load_silences(self) -> None:
        """Re-read silences when their file changed (a `onwatch silence add` elsewhere)."""
        if self.silences is None:
            return
        revision = self.silences.revision()
        if revision == self._silence_revision:
            return
        self._silence_revision = revision
        self.pager.silences = await asyncio.to_thread(self.silences.list)

    async def poll_store(self) -> None:
        await self.load_silences()
        if self._follower.written_elsewhere():
            await self.reload()

    # --- operator actions, off the event loop ----------------------------------------------------

    async def silence(
        self, matchers: dict[str, str], *, duration: timedelta, reason: str, by: str | None = None
    ) -> Silence:
        """Mute matching incidents for `duration` (recorded, not notified); takes effect at once."""
        silence = await asyncio.to_thread(
            self.operations.silence, matchers, duration=duration, reason=reason, by=by
        )
        await self.load_silences()
        self.tick()
        return silence

    async def apply_config(self, settings: EngineSettings) -> ReloadReport:
        """A reloaded config: see `engine.reload`. Open incidents and their timers stay."""
        from onwatch.engine.reload import apply_settings

        return await apply_settings(self, settings)

    def publish_change(self, change: Change) -> None:
        """An operator's action was written: track it, notify about it, tell the subscribers."""
        self._on_changes([change])


def _signed(delta: timedelta) -> str:
    sign = "-" if delta < timedelta(0) else "+"
    return sign + format_duration(abs(delta))
