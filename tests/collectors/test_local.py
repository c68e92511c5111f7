"""The local collector on this very machine, and its parts."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

import psutil
import pytest

from onwatch.collectors import LocalCheck, LocalCollector
from onwatch.collectors.mounts import Mount, real_mounts
from onwatch.collectors.offload import Offloader, StillBlocked
from onwatch.collectors.rates import BusyShare, CounterRate
from tests.collectors.conftest import by_metric

PERCENT_METRICS = ("cpu", "memory", "swap")


async def test_sample_of_this_host_is_in_range():
    me = psutil.Process().name()
    spec = LocalCheck(processes=(me, "no-such-process-xyz"))
    got = by_metric(await LocalCollector(spec).collect(datetime.now(UTC)))
    for metric in ("memory", "swap"):
        assert 0 <= got[metric].value <= 100
    for metric in ("load", "load1", "load15"):
        assert 0 <= got[metric].value < 1000
    disks = {m: s for m, s in got.items() if m.startswith("disk:")}
    assert "disk:/" in disks
    assert all(s.ok and 0 <= s.value <= 100 for s in disks.values())
    assert got[f"process:{me}"].value >= 1
    missing = got["process:no-such-process-xyz"]
    assert missing.error == "process no-such-process-xyz is not running"
    assert all(s.source == spec.source and s.check == "local" for s in got.values())


async def test_rates_appear_from_the_second_sample():
    collector = LocalCollector(LocalCheck())
    first = by_metric(await collector.collect(datetime.now(UTC)))
    assert "net_errors" not in first
    assert "net_drops" not in first
    deadline = time.monotonic() + 5
    while True:
        later = by_metric(await collector.collect(datetime.now(UTC)))
        if "cpu" in later or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert 0 <= later["cpu"].value <= 100
    assert later["net_errors"].value >= 0
    assert later["net_drops"].value >= 0


async def test_nothing_else_is_reported_without_processes_configured():
    got = by_metric(await LocalCollector(LocalCheck()).collect(datetime.now(UTC)))
    assert not [m for m in got if m.startswith("process:")]


def mount(device: str, where: str, fstype: str = "ext4", opts: str = "rw") -> Mount:
    return Mount(device, where, fstype, opts)


def test_only_real_writable_mounts_are_watched_once_per_device():
    table = [
        mount("proc", "/proc", "proc"),
        mount("tmpfs", "/run", "tmpfs"),
        mount("overlay", "/", "overlay"),
        mount("/dev/sda1", "/etc/hosts"),
        mount("/dev/sda1", "/etc/hostname"),
        mount("/dev/sdb1", "/data"),
        mount("/dev/sdb1", "/data/bind"),
        mount("/dev/sdc1", "/mnt/backup", opts="ro,relatime"),
        mount("/dev/loop3", "/snap/core/1", "squashfs"),
        mount("cgroup", "/sys/fs/cgroup/cpu", "cgroup"),
    ]
    kept = [m.mountpoint for m in real_mounts(table)]
    # /etc/hosts is a file bind-mounted by a container runtime: the collector drops it later,
    # when it can look at the path without risking a hang on the event loop.
    assert kept == ["/", "/data", "/etc/hosts"]


async def test_a_stuck_blocking_call_is_not_started_twice():
    release = threading.Event()
    offloader = Offloader()
    calls = []

    def stuck() -> str:
        calls.append(1)
        release.wait(5)
        return "done"

    with pytest.raises(TimeoutError):
        await offloader.run("nfs", 0.05, stuck)
    with pytest.raises(StillBlocked):
        await offloader.run("nfs", 0.05, stuck)
    assert len(calls) == 1
    release.set()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            assert await offloader.run("nfs", 1, stuck) == "done"
            break
        except StillBlocked:
            await asyncio.sleep(0.01)
    assert len(calls) == 2


def test_counter_rate_skips_first_reading_and_resets():
    rate = CounterRate()
    assert rate.update(100, 10.0) is None
    assert rate.update(150, 20.0) == 5.0
    assert rate.update(10, 30.0) is None  # counter went back: restarted
    assert rate.update(30, 40.0) == 2.0


def test_busy_share_is_a_percentage():
    share = BusyShare()
    assert share.update(100, 80) is None
    assert share.update(200, 130) == pytest.approx(50.0)
    assert share.update(200, 130) is None  # no time passed


async def test_a_hung_mount_is_reported_without_hanging_the_check(monkeypatch):
    import onwatch.collectors.local as local

    release = threading.Event()
    real_percent = local._disk_percent

    def hung_root(mountpoint: str) -> float | None:
        if mountpoint == "/":
            release.wait(10)  # a dead NFS server, as seen from statvfs
        return real_percent(mountpoint)

    monkeypatch.setattr(local, "_disk_percent", hung_root)
    monkeypatch.setattr(local, "BLOCKING_WAIT", timedelta(milliseconds=200))
    collector = LocalCollector(LocalCheck())
    try:
        started = time.monotonic()
        first = by_metric(await collector.collect(datetime.now(UTC)))
        assert time.monotonic() - started < 1
        assert first["disk:/"].error == "disk usage of / timed out after 200ms"
        assert first["memory"].ok
        second = by_metric(await collector.collect(datetime.now(UTC)))
        assert second["disk:/"].error == "disk usage of / still blocked since an earlier check"
    finally:
        release.set()
    deadline = time.monotonic() + 5
    while True:
        later = by_metric(await collector.collect(datetime.now(UTC)))
        if later["disk:/"].ok or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.01)
    assert 0 <= later["disk:/"].value <= 100
