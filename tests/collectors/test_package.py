"""The package's public face: the factory, the shared client, its boundaries."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
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
from onwatch.collectors.reasons import short_duration

from onwatch import collectors
from tests.collectors.servers import Reply


@pytest.mark.parametrize(
    ("probe", "kind"),
    [
        (LocalCheck(), LocalCollector),
        (HttpCheck("api", "http://127.0.0.1/"), HttpCollector),
        (TcpCheck("db", "127.0.0.1", 5432), TcpCollector),
        (AgentCheck("db1", "http://127.0.0.1:9108"), AgentCollector),
        (PrometheusCheck("node1", "http://127.0.0.1:9100/metrics"), PrometheusCollector),
    ],
)
async def test_build_picks_the_collector_for_each_probe(probe, kind, client):
    built = collectors.build(probe, client)
    assert isinstance(built, kind)
    assert probe.source and probe.name


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


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(10, "10s"), (0.5, "500ms"), (1.5, "1.5s"), (120, "2m"), (90, "90s"), (0.25, "250ms")],
)
def test_timeouts_are_written_as_in_a_config_file(seconds, text):
    assert short_duration(timedelta(seconds=seconds)) == text


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
