"""TCP checks against real listeners on 127.0.0.1."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from onwatch.collectors import TcpCheck, TcpCollector
from tests.collectors.conftest import by_metric
from tests.collectors.servers import FullBacklog, Silent, closed_port


async def run(spec: TcpCheck) -> dict:
    return by_metric(await TcpCollector(spec).collect(datetime.now(UTC)))


async def test_open_port_is_up_with_connect_time():
    with Silent() as listener:
        got = await run(TcpCheck("db", "127.0.0.1", listener.port))
    assert got["up"].value == 1.0
    assert 0 <= got["connect_time"].value < 0.5
    assert got["up"].source == "db"


async def test_host_name_resolves():
    with Silent() as listener:
        got = await run(TcpCheck("db", "localhost", listener.port))
    assert got["up"].value == 1.0


async def test_closed_port_is_refused():
    got = await run(TcpCheck("db", "127.0.0.1", closed_port()))
    assert got["up"].error == "connection refused"


async def test_refused_on_every_address_of_a_name_is_still_refused():
    # localhost may resolve to ::1 and 127.0.0.1: both refusing must not read as anything else.
    got = await run(TcpCheck("db", "localhost", closed_port()))
    assert got["up"].error == "connection refused"


async def test_connect_that_hangs_times_out():
    with FullBacklog() as listener:
        started = time.monotonic()
        got = await run(TcpCheck("db", "127.0.0.1", listener.port, timedelta(milliseconds=500)))
    assert got["up"].error == "timeout after 500ms"
    assert time.monotonic() - started < 1.5


async def test_unknown_host_is_a_dns_failure():
    got = await run(TcpCheck("db", "no-such-host.invalid", 5432, timedelta(seconds=5)))
    assert got["up"].error == "DNS failure: no-such-host.invalid"
