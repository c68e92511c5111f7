"""The package's public face: the factory, the shared client, its boundaries."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from onwatch import collectors
from onwatch.collectors import (
    AgentCheck,
    AgentCollector,
    HttpCheck,
    HttpCollector,
    LocalCheck,
    LocalCollector,
    PrometheusCheck,
    PrometheusCollector,
    TcpCheck,
    TcpCollector,
)
from tests.collectors.servers import Reply


@pytest.mark.parametrize(
    ("probe", "kind", "source", "name"),
    [
        (LocalCheck(), LocalCollector, socket.gethostname(), "local"),
        (HttpCheck("api", "http://127.0.0.1/"), HttpCollector, "api", "api"),
        (TcpCheck("db", "127.0.0.1", 5432), TcpCollector, "db", "db"),
        (AgentCheck("db1", "http://127.0.0.1:9108"), AgentCollector, "db1", "db1"),
        (
            PrometheusCheck("node1", "http://127.0.0.1:9100/metrics"),
            PrometheusCollector,
            "node1",
            "node1",
        ),
    ],
)
async def test_build_picks_the_collector_for_each_probe(probe, kind, source, name, client):
    built = collectors.build(probe, client)
    assert isinstance(built, kind)
    assert built.spec is probe
    # What every sample and incident of this collector will be filed under.
    assert (built.spec.source, built.spec.name) == (source, name)


async def test_shared_client_keeps_connections_alive(server, client):
    server.routes["/"] = Reply(200, b"ok")
    spec = HttpCheck("api", server.url("/"))
    collector = HttpCollector(spec, client)
    for _ in range(3):
        assert (await collector.collect(datetime.now(UTC)))[-1].value == 1.0
    ports = {port for _, _, port in server.seen}
    assert len(server.seen) == 3
    assert len(ports) == 1  # one connection, reused
    assert client.follow_redirects is False


def test_collectors_import_no_other_package_of_ours_nor_textual():
    code = (
        "import sys, onwatch.collectors, onwatch.collectors.agent_server; "
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', "
        "'onwatch.engine', 'onwatch.store', 'onwatch.notify', 'onwatch.tui', 'onwatch.cli', "
        "'onwatch.config'))]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
