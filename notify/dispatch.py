"""The delivery queue: never blocks the engine, retries with backoff, groups storms.

The engine calls `submit` (it only enqueues) and runs `run()` as a task. Deliveries happen in
daemon threads of their own (`workers` at most), so a channel that hangs can neither stall the
event loop, nor starve the default executor the engine's collectors share, nor keep the process
alive at exit; a bound per channel keeps one dead channel from holding every worker.

Each attempt's outcome goes to `on_outcome(incident_id, kind, text)` for the incident's
timeline: "notified oncall", "oncall failed: HTTP 503, retrying in 30s", "oncall failed:
HTTP 503, giving up after 4 attempts". Texts name a channel by its key, never its URL.

Storm control (`notify.storm`): every notification is held for a short collection delay (`hold`,
2 s by default). When more than `storm_threshold` of one kind (opened, resolved...) arrive within
`storm_window`, each channel gets one grouped message listing the incidents, and the desktop one
summary. The delay and the window run on `timers`, so tests move that time by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from onwatch.incidents import Incident
from onwatch.incidents.policy import DueStep
from onwatch.incidents.timefmt import format_duration
from onwatch.notify import messages
from onwatch.notify.channels import (
    ChannelSender,
    Delivery,
)
from onwatch.notify.desktop import DesktopNotifier
from onwatch.notify.jobs import Job, senders_for, without_desktop
from onwatch.notify.messages import Kind, Message
from onwatch.notify.storm import MonotonicTimers, Storms, Timers
from onwatch.notify.threads import in_daemon_thread

logger = logging.getLogger("onwatch.notify")

DEFAULT_RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
DESKTOP_KINDS = frozenset({Kind.OPENED, Kind.ESCALATED, Kind.UNACKNOWLEDGED})
"""What pops up on the operator's desktop unless `submit(desktop=...)` says otherwise."""

Outcome = Callable[[int, str, str], None]
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[Any]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Dispatcher:
    def __init__(
        self,
        senders: Mapping[str, ChannelSender],
        desktop: DesktopNotifier | None,
        on_outcome: Outcome,
        clock: Clock = _utc_now,
        *,
        retry_delays: Sequence[timedelta] = DEFAULT_RETRY_DELAYS,
        storm_threshold: int = 10,
        storm_window: timedelta = timedelta(minutes=1),
        hold: timedelta = timedelta(seconds=2),
        workers: int = 8,
        per_channel: int = 2,
        delivery_timeout: timedelta = timedelta(seconds=60),
        sleep: Sleep = asyncio.sleep,
        timers: Timers | None = None,
    ) -> None:
        """`senders` maps channel keys to senders; `hold` is the collection delay; `sleep` waits
        between retries (tests pass short `retry_delays` instead of faking time); `timers` is
        the clock the collection delay and the storm window run on (real time by default).

        `workers` bounds delivery threads in all, `per_channel` those of one channel, and
        `delivery_timeout` one attempt: past it the attempt counts as failed and its thread is
        abandoned, so a plugin that hangs cannot hold a channel's slots for ever."""
        if workers < 1 or per_channel < 1:
            raise ValueError("workers and per_channel must be at least 1")
        self._senders = dict(senders)
        self._desktop = desktop
        self._on_outcome = on_outcome
        self._clock = clock
        self._retry_delays = tuple(retry_delays)
        self._storm_window = storm_window
        self._storms: Storms[Kind, Job] = Storms(
            threshold=storm_threshold,
            window=storm_window.total_seconds(),
            hold=hold.total_seconds(),
        )
        self._timers: Timers = timers or MonotonicTimers()
        self._wake = asyncio.Event()
        self._workers = workers
        self._per_channel = per_channel
        self._delivery_timeout = delivery_timeout
        self._sleep = sleep
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._threads: asyncio.Semaphore | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.failing: dict[str, tuple[datetime, str]] = {}
        """Channel -> (since when its deliveries fail, the last reason), until one succeeds."""

    @property
    def channel_names(self) -> tuple[str, ...]:
        return tuple(self._senders)

    # --- the engine's side ------------------------------------------------------------------

    def replace_senders(self, senders: Mapping[str, ChannelSender]) -> None:
        """The channels of a reloaded config; deliveries under way finish on the old ones."""
        self._senders = dict(senders)

    def submit(
        self,
        incident: Incident,
        kind: Kind | str,
        channels: Iterable[str],
        *,
        due: DueStep | None = None,
        desktop: bool | None = None,
        reporter: str | None = None,
    ) -> None:
        """Queue notifications of `incident` to `channels`; returns at once.

        `due` is the escalation step being fired (for ESCALATED messages). `desktop` says whether
        to pop up on the desktop too (by default: opened, escalated, unacknowledged).
        `reporter` is an apprise URL to tell as well, named "reporter" on the timeline.
        """
        kind = Kind(kind)
        job = Job(
            incident,
            kind,
            tuple(dict.fromkeys(channels)),
            kind in DESKTOP_KINDS if desktop is None else desktop,
            due,
            self._clock(),
            reporter,
        )
        self._idle.clear()
        self._storms.hold(kind, job, self._timers.now())
        self._wake.set()

    async def run(self) -> None:
        """The worker loop; runs until cancelled, and stops promptly when it is.

        Deliveries in flight are abandoned on cancellation: a thread already inside apprise
        finishes on its own (bounded by the channel's timeouts) and, being a daemon, never
        holds the process open at exit.
        """
        self._threads = asyncio.Semaphore(self._workers)
        try:
            while True:
                self._wake.clear()
                for flush in self._storms.due(self._timers.now()):
                    if flush.grouped:
                        self._send_grouped(flush.kind, flush.jobs)
                    else:
                        for job in flush.jobs:
                            self._send_one(job)
                self._update_idle()
                await self._timers.wait(self._wake, self._storms.next_deadline())
        finally:
            for task in self._tasks:
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(*self._tasks, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Until nothing is queued, held or being delivered (retries included)."""
        await self._idle.wait()

    # --- sending ----------------------------------------------------------------------------

    def _send_one(self, job: Job) -> None:
        message = messages.render(job.kind, job.incident, now=job.at, due=job.due)
        for sender in self._senders_for(job):
            self._spawn(
                self._deliver(sender.channel.name, sender, message, [job.incident.id], job.kind)
            )
        if job.desktop and self._desktop is not None:
            popup = messages.desktop(job.incident, job.kind)
            self._spawn(self._popup(popup))

    def _send_grouped(self, kind: Kind, jobs: list[Job]) -> None:
        latest = {job.incident.id: job for job in jobs}  # one line per incident, its last state
        # Keyed by sender: every reporter is named "reporter", yet each is somebody else.
        receivers: dict[ChannelSender, list[Job]] = defaultdict(list)
        for job in latest.values():
            for sender in self._senders_for(job):
                receivers[sender].append(job)
        window = self._storm_window
        for sender, group in receivers.items():
            name = sender.channel.name
            if len(group) == 1:
                job = group[0]
                # The reporter's sender was built for this job; keep it rather than look it up.
                alone = without_desktop(job, only=name if name in self._senders else None)
                self._send_one(alone)
                continue
            incidents = [job.incident for job in group]
            message = messages.storm(kind, incidents, window=window)
            ids = [i.id for i in incidents]
            self._spawn(self._deliver(name, sender, message, ids, kind, grouped=True))
        popups = [job.incident for job in latest.values() if job.desktop]
        if popups and self._desktop is not None:
            popup = (
                messages.desktop(popups[0], kind)
                if len(popups) == 1
                else messages.desktop_storm(kind, popups)
            )
            self._spawn(self._popup(popup))

    def _senders_for(self, job: Job) -> list[ChannelSender]:
        return senders_for(job, self._senders, self._report)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("notification task failed: %s", type(task.exception()).__name__)
        self._update_idle()

    def _update_idle(self) -> None:
        if not self._storms and not self._tasks:
            self._idle.set()
        else:
            self._idle.clear()

    async def _deliver(
        self,
        name: str,
        sender: ChannelSender,
        message: Message,
        ids: list[int],
        kind: Kind,
        *,
        grouped: bool = False,
    ) -> None:
        attempts = len(self._retry_delays) + 1
        suffix = f" (one message for {len(ids)} incidents)" if grouped else ""
        limit = self._limits.setdefault(name, asyncio.Semaphore(self._per_channel))
        assert self._threads is not None
        for attempt in range(1, attempts + 1):
            async with limit, self._threads:
                delivery = await self._attempt(sender, message)
            if delivery.ok:
                self.failing.pop(name, None)
                self._report(ids, kind, f"notified {name}{suffix}")
                return
            reason = delivery.reason or "delivery failed"
            if name in self._senders:  # a reporter's own address is not a channel to watch
                since = self.failing.get(name, (self._clock(), ""))[0]
                self.failing[name] = (since, reason)
            if attempt == attempts:
                tries = f"{attempts} attempts" if attempts > 1 else "1 attempt"
                text = f"{name} failed: {reason}, giving up after {tries}{suffix}"
                self._report(ids, kind, text, failed=True)
                return
            delay = self._retry_delays[attempt - 1]
            text = f"{name} failed: {reason}, retrying in {format_duration(delay)}{suffix}"
            self._report(ids, kind, text, failed=True)
            await self._sleep(delay.total_seconds())

    async def _attempt(self, sender: ChannelSender, message: Message) -> Delivery:
        timeout = self._delivery_timeout.total_seconds()
        try:
            async with asyncio.timeout(timeout):
                return await in_daemon_thread(
                    sender.deliver, message.title, message.body, message.tone
                )
        except TimeoutError:
            return Delivery(False, f"no answer within {format_duration(self._delivery_timeout)}")
        except Exception as error:  # a sender's own bug; its message may hold a URL
            return Delivery(False, type(error).__name__)

    async def _popup(self, popup: Message) -> None:
        assert self._desktop is not None
        await self._desktop.notify(popup.title, popup.body)

    def _report(self, ids: list[int], kind: Kind, text: str, *, failed: bool = False) -> None:
        level = logging.WARNING if failed else logging.DEBUG
        shown = ", ".join(f"#{i}" for i in ids[:5]) + (" ..." if len(ids) > 5 else "")
        logger.log(level, "%s %s: %s", kind.value, shown, text)
        for incident_id in ids:
            try:
                self._on_outcome(incident_id, kind.value, text)
            except Exception:
                logger.exception("recording a notification outcome failed")
