"""This host through psutil: CPU, memory, swap, disks, load, network errors, processes."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

from onwatch.collectors.base import reports_crashes
from onwatch.collectors.mounts import Mount, real_mounts
from onwatch.collectors.offload import Offloader, StillBlocked
from onwatch.collectors.rates import BusyShare, CounterRate
from onwatch.collectors.specs import LocalCheck
from onwatch.incidents.sample import Sample
from onwatch.incidents.timefmt import exact_duration

BLOCKING_WAIT = timedelta(seconds=5)
"""How long a check waits on a disk or the process table before reporting it as stuck."""


def boot_time() -> float:
    """When this host booted (epoch seconds): a new value means it rebooted."""
    return float(psutil.boot_time())


def _cpu_seconds() -> tuple[float, float]:
    """(total, idle) CPU seconds, counted the way psutil.cpu_percent counts them.

    Computed here rather than with cpu_percent(interval=None), whose baseline is shared by
    every caller on a thread: the agent and the local check would reset each other's.
    """
    times = psutil.cpu_times()
    # On Linux, guest time is already inside user time.
    total = sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)
    idle = times.idle + getattr(times, "iowait", 0.0)
    return total, idle


def _disk_percent(mountpoint: str) -> tuple[float, dict[str, Any]] | None:
    """Percent used, and the free space and inode use an incident about it shows."""
    # Files bind-mounted into containers (/etc/hosts...) are mounts too, but not disks.
    if not Path(mountpoint).is_dir():
        return None
    usage = psutil.disk_usage(mountpoint)
    evidence: dict[str, Any] = {
        "mount": mountpoint,
        "used_percent": usage.percent,
        "free_bytes": usage.free,
        "total_bytes": usage.total,
    }
    try:
        stats = os.statvfs(mountpoint)
    except OSError:
        return float(usage.percent), evidence
    if stats.f_files:  # some filesystems (btrfs, tmpfs on some kernels) report no inodes
        used = stats.f_files - stats.f_ffree
        evidence["inodes_used_percent"] = round(100 * used / stats.f_files, 2)
        evidence["inodes_free"] = stats.f_favail
    return float(usage.percent), evidence


def _list_mounts() -> list[Mount]:
    return real_mounts(
        Mount(p.device, p.mountpoint, p.fstype, p.opts) for p in psutil.disk_partitions(all=True)
    )


def _count_processes(names: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(names, 0)
    for proc in psutil.process_iter(["name"]):
        name = proc.info.get("name")
        if name in counts:
            counts[name] += 1
    return counts


class LocalCollector:
    """Samples this host. Keeps the previous CPU and network counters to report rates.

    Process names are matched exactly against psutil's `name()` (the executable's name as the
    kernel reports it, e.g. "sshd", "nginx", "python3.11").
    """

    def __init__(self, spec: LocalCheck) -> None:
        self.spec = spec
        self._cores = psutil.cpu_count() or 1
        self._cpu = BusyShare()
        self._cpu.update(*_cpu_seconds())  # so the first collect already has a CPU figure
        self._errors = CounterRate()
        self._drops = CounterRate()
        self._blocking = Offloader()

    @reports_crashes
    async def collect(self, now: datetime) -> list[Sample]:
        samples: list[Sample] = []
        for metric, read in self._instant_readings():
            samples.extend(self._guarded(metric, read, now))
        # Side by side, so a stuck disk and a slow process table cost one wait, not two.
        disks, processes = await asyncio.gather(self._disks(now), self._processes(now))
        return samples + disks + processes

    def _value(self, metric: str, value: float, now: datetime) -> Sample:
        return Sample(self.spec.source, self.spec.name, metric, value, now)

    def _failed(self, metric: str, reason: str, now: datetime) -> Sample:
        return Sample.failed(self.spec.source, self.spec.name, metric, reason, now)

    def _guarded(
        self, metric: str, read: Callable[[], dict[str, float | None]], now: datetime
    ) -> list[Sample]:
        """One reading failing (swap on an odd kernel...) must not hide the others."""
        try:
            values = read()
        except Exception as exc:
            return [self._failed(metric, f"cannot read {metric}: {type(exc).__name__}", now)]
        return [self._value(name, v, now) for name, v in values.items() if v is not None]

    # These read small files under /proc: quick enough for the event loop.
    def _instant_readings(self) -> list[tuple[str, Callable[[], dict[str, float | None]]]]:
        return [
            ("cpu", lambda: {"cpu": self._cpu.update(*_cpu_seconds())}),
            ("memory", lambda: {"memory": float(psutil.virtual_memory().percent)}),
            ("swap", lambda: {"swap": float(psutil.swap_memory().percent)}),
            ("load", self._load),
            ("net_errors", self._network),
        ]

    def _load(self) -> dict[str, float | None]:
        one, five, fifteen = psutil.getloadavg()
        cores = self._cores
        return {"load1": one / cores, "load": five / cores, "load15": fifteen / cores}

    def _network(self) -> dict[str, float | None]:
        counters = psutil.net_io_counters()
        if counters is None:  # no network interface at all
            return {}
        at = time.monotonic()
        return {
            "net_errors": self._errors.update(counters.errin + counters.errout, at),
            "net_drops": self._drops.update(counters.dropin + counters.dropout, at),
        }

    def _stuck(self, exc: Exception, what: str) -> str:
        if isinstance(exc, StillBlocked):
            return f"{what} still blocked since an earlier check"
        if isinstance(exc, TimeoutError):
            return f"{what} timed out after {exact_duration(BLOCKING_WAIT)}"
        return f"cannot read {what}: {type(exc).__name__}"

    async def _disks(self, now: datetime) -> list[Sample]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BLOCKING_WAIT.total_seconds()
        try:
            mounts = await self._blocking.run("mounts", BLOCKING_WAIT.total_seconds(), _list_mounts)
        except Exception as exc:
            return [self._failed("disk", self._stuck(exc, "the mount table"), now)]
        wait = max(0.0, deadline - loop.time())
        results = await asyncio.gather(
            *(self._blocking.run(m.mountpoint, wait, _disk_percent, m.mountpoint) for m in mounts),
            return_exceptions=True,
        )
        samples = []
        for mount, result in zip(mounts, results, strict=True):
            metric = f"disk:{mount.mountpoint}"
            if isinstance(result, asyncio.CancelledError):
                raise result
            if isinstance(result, Exception):
                what = f"disk usage of {mount.mountpoint}"
                samples.append(self._failed(metric, self._stuck(result, what), now))
            elif result is not None:
                percent, evidence = result
                samples.append(
                    Sample(
                        self.spec.source, self.spec.name, metric, percent, now, evidence=evidence
                    )
                )
        return samples

    async def _processes(self, now: datetime) -> list[Sample]:
        names = self.spec.processes
        if not names:
            return []
        try:
            counts = await self._blocking.run(
                "processes", BLOCKING_WAIT.total_seconds(), _count_processes, names
            )
        except Exception as exc:
            reason = self._stuck(exc, "the process table")
            return [self._failed(f"process:{name}", reason, now) for name in names]
        samples = []
        for name in names:
            metric = f"process:{name}"
            if counts[name]:
                samples.append(self._value(metric, float(counts[name]), now))
            else:
                samples.append(self._failed(metric, f"process {name} is not running", now))
        return samples
