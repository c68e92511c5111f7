"""The collectors' own HTTP/1.1 client against answers scripted byte for byte: every framing a
server may use, the broken and oversized ones, and what it does with its connections."""

from __future__ import annotations

import asyncio
import gzip
import time
from datetime import UTC, datetime, timedelta

import pytest
import trustme

from onwatch.collectors import HttpCheck, HttpCollector
from onwatch.collectors.client import Client, Limits, make_client
from onwatch.collectors.fetch import FetchFailed, fetch
from tests.collectors.conftest import by_metric
from tests.collectors.scripted import Scripted, ok
from tests.collectors.servers import Reply
from tests.collectors.test_http import _tls_server

BROKE = "protocol error: the server broke HTTP"


async def check(client: Client, url: str, **options: object) -> dict:
    options.setdefault("timeout", timedelta(seconds=5))
    spec = HttpCheck(name="api", url=url, **options)  # type: ignore[arg-type]
    return by_metric(await HttpCollector(spec, client).collect(datetime.now(UTC)))


def always(answer: bytes | None, **options: bool) -> Scripted:
    return Scripted(lambda connection, request: answer, **options)


FRAMINGS = {
    "content-length": ok(b"all good"),
    "chunked with extensions and trailers": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4;name=value\r\nall \r\n4\r\ngood\r\n0\r\nX-Trailer: yes\r\n\r\n"
    ),
    "bare LF line ends": b"HTTP/1.1 200 OK\nContent-Length: 8\n\nall good",
    "100 Continue and 103 Early Hints first": (
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
        + ok(b"all good")
    ),
    "gzip inside chunked": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
        + f"{len(gzip.compress(b'all good')):x}\r\n".encode()
        + gzip.compress(b"all good")
        + b"\r\n0\r\n\r\n"
    ),
}


@pytest.mark.parametrize("answer", FRAMINGS.values(), ids=FRAMINGS.keys())
async def test_every_framing_of_a_body_is_read(client, answer):
    async with always(answer) as server:
        got = await check(client, server.url(), body_contains="all good")
    assert got["up"].value == 1.0
    assert got["status"].value == 200.0


async def test_http10_answer_delimited_by_close_is_read_and_its_connection_not_reused(client):
    async with always(b"HTTP/1.0 200 OK\r\n\r\nall good", close_after=True) as server:
        for _ in range(2):
            got = await check(client, server.url(), body_contains="all good")
            assert got["up"].value == 1.0
    assert server.connections == 2


BROKEN = {
    "not HTTP": b"SSH-2.0-OpenSSH_9.6\r\n",
    "status line too long": b"HTTP/1.1 200 " + b"O" * 100_000 + b"\r\n\r\n",
    "header line too long": b"HTTP/1.1 200 OK\r\nX-Big: " + b"x" * 100_000 + b"\r\n\r\n",
    "header line over 8 KiB": b"HTTP/1.1 200 OK\r\nX-Big: " + b"x" * 10_000 + b"\r\n\r\n",
    "headers over 64 KiB together": b"HTTP/1.1 200 OK\r\n"
    + (b"X-A: " + b"x" * 4000 + b"\r\n") * 20,
    "too many headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 1000 + b"\r\n",
    "too many 100 Continue": b"HTTP/1.1 100 Continue\r\n\r\n" * 50 + ok(),
    "folded header": b"HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 2\r\n\r\nok",
    "conflicting lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
    "negative length": b"HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nok",
    "chunk size not hex": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nok",
    "chunk size line too long": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"0" * 100_000 + b"\r\n"
    ),
    "unknown transfer coding": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nok",
    "switching protocols": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
    "body cut short": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
    "chunked cut short": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly",
    "closed without a word": None,
}


@pytest.mark.parametrize("answer", BROKEN.values(), ids=BROKEN.keys())
async def test_broken_or_oversized_answer_is_a_protocol_error_at_once(client, answer):
    async with always(answer, close_after=True) as server:
        started = time.monotonic()
        got = await check(client, server.url())
    assert got["up"].error == BROKE
    assert time.monotonic() - started < 4  # not the 5 s deadline: the client knew


async def test_stale_keep_alive_connection_is_retried_once_on_a_new_one(client):
    # The first connection answers once, then closes on the next request unanswered (what a
    # server whose keep-alive timeout just ran out does); the retry goes to a new connection.
    async with Scripted(lambda connection, request: None if request else ok()) as server:
        first = await check(client, server.url())
        second = await check(client, server.url())
    assert first["up"].value == 1.0
    assert second["up"].value == 1.0
    assert server.connections == 2
    assert len(server.requests) == 3


async def test_a_new_connection_closed_unanswered_is_not_retried(client):
    async with always(None) as server:
        got = await check(client, server.url())
    assert got["up"].error == BROKE
    assert server.connections == 1


async def test_head_reads_no_body_and_keeps_the_connection(client):
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"
    async with always(answer) as server:
        for _ in range(3):
            got = await check(client, server.url(), method="HEAD")
            assert got["up"].value == 1.0
    assert server.connections == 1
    assert all(request.startswith(b"HEAD / HTTP/1.1\r\n") for request in server.requests)


async def test_connection_close_header_is_honoured(client):
    async with always(ok(b"ok", "Connection: close"), close_after=True) as server:
        for _ in range(2):
            assert (await check(client, server.url()))["up"].value == 1.0
    assert server.connections == 2


async def test_idle_connections_expire():
    async with (
        Client(limits=Limits(20, 8, keepalive_expiry=0.0)) as client,
        always(ok()) as server,
    ):
        for _ in range(2):
            assert (await check(client, server.url()))["up"].value == 1.0
    assert server.connections == 2


async def test_connections_per_origin_are_bounded(client):
    release = asyncio.Event()
    async with Scripted(lambda connection, request: ok(), hold=release) as server:
        patient = timedelta(seconds=30)  # the held connections must not time out first
        checks = [
            asyncio.create_task(check(client, server.url(), timeout=patient)) for _ in range(30)
        ]
        deadline = time.monotonic() + 10
        while server.open_now < 20 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # room for a 21st connection, if the bound did not hold
        assert server.open_now == 20
        release.set()
        results = await asyncio.gather(*checks)
    assert all(got["up"].value == 1.0 for got in results)
    assert server.most_open == 20
    assert len(server.requests) == 30


async def test_proxy_settings_in_the_environment_are_ignored(client, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9/")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9/")
    async with always(ok()) as server:
        assert (await check(client, server.url()))["up"].value == 1.0


async def test_userinfo_in_the_url_is_sent_as_basic_auth(client):
    async with always(ok()) as server:
        url = server.url().replace("http://", "http://ops:s%40cret@")
        assert (await check(client, url))["up"].value == 1.0
    assert b"\r\nAuthorization: Basic b3BzOnNAY3JldA==\r\n" in server.requests[0]


async def test_a_header_value_with_a_line_break_is_refused_before_sending(client):
    async with always(ok()) as server:
        got = await check(client, server.url(), headers={"X-A": "1\r\nX-Injected: yes"})
    assert got["up"].error.startswith("invalid header")
    assert server.requests == []


async def test_ssl_cert_file_names_the_authorities_to_trust(monkeypatch, tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    with _tls_server(cert.configure_cert) as running:
        running.routes["/"] = Reply(200, b"ok")
        async with make_client() as client:
            got = await check(client, running.url("/"))
    assert got["up"].value == 1.0
    assert got["cert_days"].value > 0


async def test_the_deadline_covers_a_server_trickling_its_headers(client):
    class Trickle(Scripted):
        async def _serve(self, reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            for byte in b"HTTP/1.1 200 OK\r\n" + b"X" * 100:
                writer.write(bytes([byte]))
                await asyncio.sleep(0.05)

    async with Trickle(lambda c, r: None) as server:
        started = time.monotonic()
        with pytest.raises(FetchFailed, match=r"^timeout after 1s$"):
            await fetch(
                client, server.url(), within=timedelta(seconds=1), now=datetime.now(UTC), cap=100
            )
    assert time.monotonic() - started < 3


async def test_a_body_that_does_not_inflate_is_a_protocol_error_not_a_crash(client):
    answer = ok(b"not gzip at all", "Content-Encoding: gzip")
    async with always(answer) as server:
        got = await check(client, server.url())
    assert got["up"].error == "protocol error: the body is not valid gzip"


async def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    return condition()


async def twenty_at_once(client: Client, server: Scripted, release: asyncio.Event) -> None:
    """Twenty checks of one origin held open together, then answered."""
    patient = timedelta(seconds=30)
    checks = [asyncio.create_task(check(client, server.url(), timeout=patient)) for _ in range(20)]
    assert await wait_until(lambda: server.open_now == 20)
    release.set()
    assert all(got["up"].value == 1.0 for got in await asyncio.gather(*checks))


async def test_idle_connections_past_the_idle_limit_are_closed() -> None:
    release = asyncio.Event()
    async with (
        Client(limits=Limits(20, 8, keepalive_expiry=30.0)) as client,
        Scripted(lambda connection, request: ok(), hold=release) as server,
    ):
        await twenty_at_once(client, server, release)
        # The client closes the twelve it does not keep; the server sees them go.
        assert await wait_until(lambda: server.open_now == 8)


async def test_every_connection_of_a_burst_is_kept_for_the_next_round(client) -> None:
    release = asyncio.Event()
    async with Scripted(lambda connection, request: ok(), hold=release) as server:
        await twenty_at_once(client, server, release)
        await asyncio.sleep(0.2)  # room for the client to close any it would not keep
        assert server.open_now == 20
        again = [check(client, server.url()) for _ in range(20)]
        assert all(got["up"].value == 1.0 for got in await asyncio.gather(*again))
        assert server.connections == 20  # the second round opened none


async def test_idle_connections_of_an_origin_no_longer_checked_are_closed(monkeypatch):
    from onwatch.collectors import client as client_module

    monkeypatch.setattr(client_module, "_SWEEP_EVERY", 0.0)
    async with (
        Client(limits=Limits(20, 8, keepalive_expiry=0.0)) as client,
        always(ok()) as forgotten,
        always(ok()) as other,
    ):
        assert (await check(client, forgotten.url()))["up"].value == 1.0
        assert forgotten.open_now == 1  # idle, and already past its (zero) expiry
        assert (await check(client, other.url()))["up"].value == 1.0
        assert await wait_until(lambda: forgotten.open_now == 0)
