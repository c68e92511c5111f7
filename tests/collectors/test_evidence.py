"""What failing HTTP and TCP checks capture for the incident they open, against real servers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from onwatch.collectors import HttpCheck, HttpCollector, TcpCheck, TcpCollector
from onwatch.incidents.evidence import MASK
from tests.collectors.conftest import by_metric
from tests.collectors.servers import Reply, closed_port


async def test_http_500_keeps_status_redacted_headers_body_prefix_address_and_timing(
    server, client
):
    body = b"<html>" + b"e" * 5000 + b"</html>"
    server.routes["/pay"] = Reply(
        500,
        body,
        {"Set-Cookie": "session=abc123secret; HttpOnly", "X-Request-Id": "r-42"},
    )
    spec = HttpCheck(
        name="pay", url=server.url("/pay"), headers={"Authorization": "Bearer tok-sent-9"}
    )
    got = by_metric(await HttpCollector(spec, client).collect(datetime.now(UTC)))
    up = got["up"]
    assert up.error == "unexpected status 500"
    evidence = up.evidence
    assert evidence["status"] == 500
    assert evidence["headers"]["set-cookie"] == MASK
    assert evidence["headers"]["x-request-id"] == "r-42"
    assert "abc123secret" not in json.dumps(evidence)
    assert evidence["body"].startswith("<html>eee")
    assert len(evidence["body"].encode()) == 2048
    assert evidence["address"] == f"127.0.0.1:{server.port}"
    assert 0 < evidence["seconds"] < 5
    # The healthy samples of the same check carry nothing.
    assert got["latency"].evidence == {}


async def test_http_server_echoing_the_checks_token_has_it_blanked(server, client):
    server.routes["/echo"] = Reply(503, b"you sent Bearer tok-sent-9 to me")
    spec = HttpCheck(
        name="pay", url=server.url("/echo"), headers={"Authorization": "Bearer tok-sent-9"}
    )
    got = by_metric(await HttpCollector(spec, client).collect(datetime.now(UTC)))
    assert "tok-sent-9" not in json.dumps(got["up"].evidence)


async def test_http_connection_refused_keeps_the_address_tried_and_the_error(client):
    port = closed_port()
    spec = HttpCheck(name="pay", url=f"http://user:pw@127.0.0.1:{port}/?token=zz")
    got = by_metric(await HttpCollector(spec, client).collect(datetime.now(UTC)))
    evidence = got["up"].evidence
    assert evidence["error"] == "connection refused"
    assert evidence["address"] == f"127.0.0.1:{port}"
    assert "pw" not in evidence["url"] and "zz" not in evidence["url"]
    assert evidence["seconds"] >= 0


async def test_tcp_to_a_dead_port_keeps_the_resolved_address_and_the_error():
    port = closed_port()
    got = by_metric(
        await TcpCollector(TcpCheck("db", "127.0.0.1", port)).collect(datetime.now(UTC))
    )
    evidence = got["up"].evidence
    assert evidence["error"] == "connection refused"
    assert evidence["address"] == f"127.0.0.1:{port}"
    assert evidence["target"] == f"127.0.0.1:{port}"


async def test_disk_samples_carry_free_space_and_inode_use():
    from onwatch.collectors import LocalCheck, LocalCollector

    samples = await LocalCollector(LocalCheck()).collect(datetime.now(UTC))
    disks = [s for s in samples if s.metric.startswith("disk:") and s.ok]
    assert disks
    evidence = disks[0].evidence
    assert evidence["mount"] == disks[0].metric.removeprefix("disk:")
    assert evidence["free_bytes"] >= 0 and evidence["total_bytes"] > 0
    assert evidence["used_percent"] == disks[0].value
    if "inodes_used_percent" in evidence:
        assert 0 <= evidence["inodes_used_percent"] <= 100


def test_top_processes_by_cpu_finds_a_busy_process():
    import subprocess
    import sys

    from onwatch.collectors.processes import top_processes

    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        top = top_processes("cpu")
        # Other processes on a shared machine may be busier: look further down for the spinner.
        every = top_processes("cpu", limit=10_000)
    finally:
        spinner.kill()
        spinner.wait(10)
    assert 1 <= len(top) <= 5
    shares = [row["cpu_percent"] for row in every]
    assert shares == sorted(shares, reverse=True)
    (busy,) = [row for row in every if row["pid"] == spinner.pid]
    assert busy["cpu_percent"] > 5
    assert {"pid", "name", "cpu_percent", "rss_bytes"} <= set(busy)
