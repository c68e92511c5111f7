"""onwatch's own health, as samples of a source named `onwatch` that the ordinary rules judge.

Each self-check reports a value (0: fine) or an error (what is wrong), so a problem opens an
incident of category `monitoring` and its end resolves it, like any check:

- `scheduler/lag`: checks started later than the bound after they were due;
- `store/writes`: the engine's writes fail, or a small probe file next to the store cannot be
  written (a full or read-only disk, seen before an incident needs writing);
- `store/disk`: the store's filesystem is nearly full;
- `channels/<name>`: a channel's deliveries have failed for a while (10 minutes by default);
- `desktop/up`: desktop notifications are configured but unavailable;
- `heartbeat/up`: the heartbeat URL could not be reached.

An incident about the store can only be written once the store works again: while it fails,
the heartbeat stops, which is what tells the outside world.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from onwatch.incidents import Incident, Sample, Threshold
from onwatch.incidents.thresholds import MONITORING, MONITORING_WARNING
from onwatch.incidents.timefmt import format_duration

if TYPE_CHECKING:
    from onwatch.engine.heartbeat import Heartbeat
    from onwatch.engine.scheduler import Scheduler
    from onwatch.engine.writer import Writer
    from onwatch.notify.dispatch import Dispatcher

OWN_SOURCE = "onwatch"
CHANNELS_CHECK = "channels"


@dataclass(frozen=True, slots=True)
class HealthBounds:
    lag_seconds: float = 30.0
    """A check starting this much later than it was due means the scheduler is behind."""
    channel_failing: timedelta = timedelta(minutes=10)
    """How long a channel's deliveries must fail before it is an incident."""
    disk_min_free: float = 0.05
    """The store's filesystem is nearly full below this fraction free."""


def failing_channel(incident: Incident) -> str | None:
    """The channel an own-health incident is about, if it is about one."""
    if incident.source == OWN_SOURCE and incident.check == CHANNELS_CHECK:
        return incident.metric
    return None


def probe_write(store_path: Path) -> str | None:
    """Write and replace a tiny file beside the store, as the store's own writes do; None when
    that works, else why not. Blocking: call it from a thread."""
    probe = store_path.with_name(f".{store_path.name}.health")
    temp = probe.with_name(probe.name + ".tmp")
    try:
        # Private like every file of the store (0600), whatever the umask.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(b"ok\n")
            out.flush()
            os.fsync(out.fileno())
        temp.replace(probe)
    except OSError as exc:
        with_reason = exc.strerror or type(exc).__name__
        return f"cannot write beside the store: {with_reason}"
    return None


def disk_problem(store_path: Path, min_free: float) -> str | None:
    """Blocking (a statvfs): call it from a thread."""
    try:
        usage = shutil.disk_usage(store_path.parent)
    except OSError:
        return None  # the write probe says what is wrong with the folder
    if usage.total and usage.free / usage.total < min_free:
        used = 100 * (1 - usage.free / usage.total)
        return f"the store's filesystem is {used:.0f}% full ({_size(usage.free)} free)"
    return None


def _seconds(value: float) -> str:
    return f"{value:.1f}s" if value < 10 else f"{value:.0f}s"


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024:
            return f"{count:.0f} {unit}"
        count //= 1024
    return f"{count} TB"


@dataclass(frozen=True, slots=True)
class Findings:
    """What one self-check found; None for each part that is fine."""

    lag: float
    store: str | None
    disk: str | None
    channels: dict[str, str | None]
    desktop: str | None
    heartbeat: str | None
    heartbeat_configured: bool
    bounds: HealthBounds

    @property
    def lag_problem(self) -> str | None:
        if self.lag > self.bounds.lag_seconds:
            return f"checks start {_seconds(self.lag)} late (bound {self.bounds.lag_seconds:g}s)"
        return None

    def samples(self, at: datetime) -> list[tuple[Sample, Threshold]]:
        """Each sample with its rule: critical while nobody may hear of trouble (checks late,
        nothing written, a channel dead), warning while onwatch still works, less well."""
        found = [
            (_sample("scheduler", "lag", self.lag_problem, at), MONITORING),
            (_sample("store", "writes", self.store, at), MONITORING),
            (_sample("store", "disk", self.disk, at), MONITORING_WARNING),
            (_sample("desktop", "up", self.desktop, at), MONITORING_WARNING),
        ]
        if self.heartbeat_configured:
            found.append((_sample("heartbeat", "up", self.heartbeat, at), MONITORING_WARNING))
        found += [
            (_sample(CHANNELS_CHECK, name, problem, at, channel=name), MONITORING)
            for name, problem in self.channels.items()
        ]
        return found


def _sample(check: str, metric: str, problem: str | None, at: datetime, **labels: str) -> Sample:
    if problem is None:
        return Sample(OWN_SOURCE, check, metric, 0.0, at, labels=labels)
    return Sample.failed(OWN_SOURCE, check, metric, problem, at, **labels)


def channel_problems(
    failing: dict[str, tuple[datetime, str]],
    names: Iterable[str],
    now: datetime,
    after: timedelta,
) -> dict[str, str | None]:
    problems: dict[str, str | None] = {}
    for name in names:
        since, reason = failing.get(name, (None, ""))
        if since is not None and now - since >= after:
            problems[name] = (
                f"{name} deliveries failing for {format_duration(now - since)} ({reason})"
            )
        else:
            problems[name] = None
    return problems


class SelfCheck:
    """Gathers what the engine knows about itself (and probes the store's folder) into
    `Findings`, and says whether the heartbeat may beat."""

    def __init__(
        self,
        *,
        store_path: Path,
        scheduler: Scheduler,
        writer: Writer,
        dispatcher: Dispatcher,
        bounds: HealthBounds,
        desktop: Callable[[], str | None],
        heartbeat: Heartbeat | None,
    ) -> None:
        self.store_path = store_path
        self.scheduler = scheduler
        self.writer = writer
        self.dispatcher = dispatcher
        self.bounds = bounds
        self.desktop = desktop
        self.heartbeat = heartbeat
        self.lag_problem: str | None = None
        """What the last examination said about lag (it takes the worst lag seen)."""

    async def unhealthy(self) -> str | None:
        if self.writer.last_error is not None:
            return f"store writes failing: {self.writer.last_error}"
        worst = self.scheduler.worst_lag
        if worst > self.bounds.lag_seconds:
            return f"checks start {_seconds(worst)} late"
        if self.lag_problem is not None:
            return self.lag_problem
        return await asyncio.to_thread(probe_write, self.store_path)

    async def examine(self, now: datetime) -> Findings:
        bounds = self.bounds
        lag = self.scheduler.take_worst_lag()
        if self.writer.last_error is not None:
            store: str | None = f"store writes failing: {self.writer.last_error}"
        else:
            store = await asyncio.to_thread(probe_write, self.store_path)
        disk = await asyncio.to_thread(disk_problem, self.store_path, bounds.disk_min_free)
        dispatcher = self.dispatcher
        findings = Findings(
            lag=lag,
            store=store,
            disk=disk,
            channels=channel_problems(
                dispatcher.failing, dispatcher.channel_names, now, bounds.channel_failing
            ),
            desktop=self.desktop(),
            heartbeat=self.heartbeat.problem if self.heartbeat is not None else None,
            heartbeat_configured=self.heartbeat is not None,
            bounds=bounds,
        )
        self.lag_problem = findings.lag_problem
        return findings
