"""The Prometheus collector against a real node_exporter, and the page reader on its own."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from onwatch.collectors import PrometheusCheck, PrometheusCollector, PromRule
from onwatch.collectors.exposition import read_page
from tests.collectors.conftest import by_metric
from tests.collectors.servers import Reply, closed_port

NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"


@pytest.fixture(scope="module")
def node_exporter() -> Iterator[str]:
    """A real node_exporter on a free loopback port; yields its /metrics URL."""
    binary = shutil.which("prometheus-node-exporter") or NODE_EXPORTER
    if not shutil.which(binary):
        pytest.skip("prometheus-node-exporter is not installed (Debian: prometheus-node-exporter)")
    port = closed_port()
    process = subprocess.Popen(
        [binary, f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"node_exporter did not come up on port {port}")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def test_node_exporter_maps_to_local_metrics(node_exporter, client):
    rules = (
        PromRule("node_load1"),
        PromRule("node_cpu_seconds_total", {"cpu": "0", "mode": "idle"}),
        PromRule("node_no_such_series"),
    )
    spec = PrometheusCheck("node1", node_exporter, timedelta(seconds=5), rules)
    collector = PrometheusCollector(spec, client)
    first = by_metric(await collector.collect(datetime.now(UTC)))

    assert first["up"].value == 1.0
    assert first["bad_data"].value == 0.0
    assert "cpu" not in first  # a rate: needs a second scrape
    assert "net_errors" not in first
    assert 0 < first["memory"].value < 100
    assert 0 <= first["swap"].value <= 100
    assert 0 <= first["load"].value < 1000
    assert 0 <= first["load1"].value < 1000
    assert 0 < first["disk:/"].value < 100
    assert first["node_load1"].value >= 0
    assert first["node_cpu_seconds_total"].labels == {"cpu": "0", "mode": "idle"}
    assert first["node_no_such_series"].error == "no series node_no_such_series in the scrape"

    # The kernel's CPU counters tick every 10 ms: scrape until they have moved.
    deadline = time.monotonic() + 10
    while True:
        later = by_metric(await collector.collect(datetime.now(UTC)))
        if "cpu" in later or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert 0 <= later["cpu"].value <= 100
    assert later["net_errors"].value >= 0
    assert later["net_drops"].value >= 0


async def test_exporter_disk_figure_agrees_with_psutil(node_exporter, client):
    import psutil

    spec = PrometheusCheck("node1", node_exporter)
    got = by_metric(await PrometheusCollector(spec, client).collect(datetime.now(UTC)))
    # Same formula as df and psutil (reserved blocks are not "used"), so the same threshold
    # means the same thing for [local] and [[prometheus]].
    assert got["disk:/"].value == pytest.approx(psutil.disk_usage("/").percent, abs=1.0)


async def test_exporter_down_is_not_up(client):
    spec = PrometheusCheck("node1", f"http://127.0.0.1:{closed_port()}/metrics")
    got = by_metric(await PrometheusCollector(spec, client).collect(datetime.now(UTC)))
    assert got == {"up": got["up"]}
    assert got["up"].error == "connection refused"


async def test_exporter_error_status(server, client):
    server.routes["/metrics"] = Reply(500, b"oops")
    spec = PrometheusCheck("node1", server.url("/metrics"))
    got = by_metric(await PrometheusCollector(spec, client).collect(datetime.now(UTC)))
    assert got["up"].error == "unexpected status 500"


def test_page_reader_skips_pseudo_readonly_and_empty_filesystems():
    page = """\
node_cpu_seconds_total{cpu="0",mode="idle"} 10
node_cpu_seconds_total{cpu="1",mode="idle"} 10
node_load5 3
node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 1000
node_filesystem_free_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 300
node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 200
node_filesystem_size_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run"} 1000
node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run"} 10
node_filesystem_size_bytes{device="/dev/sdb1",fstype="ext4",mountpoint="/ro"} 1000
node_filesystem_avail_bytes{device="/dev/sdb1",fstype="ext4",mountpoint="/ro"} 10
node_filesystem_readonly{device="/dev/sdb1",fstype="ext4",mountpoint="/ro"} 1
node_filesystem_size_bytes{device="/dev/sdc1",fstype="xfs",mountpoint="/empty"} 0
node_filesystem_avail_bytes{device="/dev/sdc1",fstype="xfs",mountpoint="/empty"} 0
"""
    figures = read_page(page)
    assert figures.cores == 2
    assert figures.values["load"] == 1.5
    # used 700 of (700 used + 200 available): the 100 reserved bytes are neither.
    assert figures.values["disk:/"] == pytest.approx(77.78, abs=0.01)
    assert [m for m in figures.values if m.startswith("disk:")] == ["disk:/"]
    assert figures.problems == []
