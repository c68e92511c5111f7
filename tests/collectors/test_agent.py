"""The agent server and the collector that polls it, with and without a token."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from onwatch.collectors import AgentCheck, AgentCollector
from onwatch.collectors.agent_server import serve
from onwatch.collectors.agent_slots import Slots
from tests.collectors.conftest import by_metric
from tests.collectors.servers import closed_port

TOKEN = "s3cret-token-that-must-not-leak"


@contextlib.asynccontextmanager
async def agent(token: str | None = None, slots: Slots | None = None) -> AsyncIterator[str]:
    """A running agent on a free loopback port; yields its base URL."""
    loop = asyncio.get_running_loop()
    bound: asyncio.Future[str] = loop.create_future()
    task = asyncio.create_task(serve("127.0.0.1:0", token, ready=bound.set_result, slots=slots))
    done, _ = await asyncio.wait({task, bound}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    assert bound in done, "the agent did not start"
    try:
        yield f"http://{bound.result()}"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def poll(url: str, client, token: str | None = None, name: str = "db1") -> dict:
    spec = AgentCheck(name, url, token=token, timeout=timedelta(seconds=5))
    return by_metric(await AgentCollector(spec, client).collect(datetime.now(UTC)))


async def raw(url: str, request: bytes) -> bytes:
    """Send bytes as they are, return everything the server answers until it closes."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    async with asyncio.timeout(5):
        answer = await reader.read(-1)
    writer.close()
    return answer


async def test_polls_an_agent_without_token(client):
    async with agent() as url:
        got = await poll(url, client)
    assert got["up"].value == 1.0
    assert got["bad_data"].value == 0.0
    for metric in ("memory", "swap"):
        assert 0 <= got[metric].value <= 100
    assert 0 <= got["load"].value < 1000
    assert 0 <= got["disk:/"].value <= 100
    assert all(s.source == "db1" and s.check == "db1" for s in got.values())


async def test_token_is_required_and_never_logged(client, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    async with agent(TOKEN) as url:
        good = await poll(url, client, token=TOKEN)
        wrong = await poll(url, client, token="not-the-token")
        missing = await poll(url, client)
        answer = await raw(
            url,
            f"GET /v1/sample HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}x\r\nConnection: close\r\n\r\n".encode(),
        )
    assert good["up"].value == 1.0 and "memory" in good
    assert wrong["up"].error == "unexpected status 401 (wrong or missing token)"
    assert missing["up"].error.startswith("unexpected status 401")
    assert answer.startswith(b"HTTP/1.1 401 ")
    out, err = capsys.readouterr()
    for text in (caplog.text, out, err, repr(AgentCheck("db1", url, token=TOKEN))):
        assert TOKEN not in text
    assert "401" in caplog.text  # the refusals are logged, just not the secret


def test_non_loopback_listen_without_token_is_refused():
    for listen in ("0.0.0.0:9108", "[::]:9108", "192.0.2.1:9108", "example.com:9108"):
        with pytest.raises(ValueError, match="without a token"):
            asyncio.run(serve(listen, None))


def test_malformed_listen_address_is_refused():
    for listen in ("9108", "127.0.0.1:http", ":9108", "127.0.0.1:99999"):
        with pytest.raises(ValueError, match=r"HOST:PORT|needs a host"):
            asyncio.run(serve(listen, "t"))


async def test_agent_answers_only_what_it_serves():
    async with agent() as url:
        other = await raw(url, b"GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert other.startswith(b"HTTP/1.1 404 ")
        post = await raw(url, b"POST /v1/sample HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert post.startswith(b"HTTP/1.1 405 ")
        assert b"Allow: GET, HEAD" in post


MANY_HEADERS = b"".join(b"X-H%d: b\r\n" % i for i in range(100))
MALFORMED = {
    "request line too long": (b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\n\r\n", b"414"),
    "too many headers": (
        b"GET /v1/sample HTTP/1.1\r\nHost: x\r\n" + MANY_HEADERS + b"\r\n",
        b"431",
    ),
    "a body": (b"GET /v1/sample HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", b"400"),
    "repeated header": (b"GET /v1/sample HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", b"400"),
    "no host": (b"GET /v1/sample HTTP/1.1\r\n\r\n", b"400"),
    "http/2": (b"GET /v1/sample HTTP/2.0\r\nHost: x\r\n\r\n", b"505"),
    "garbage": (b"GARBAGE\r\n\r\n", b"400"),
    "folded header": (b"GET /v1/sample HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", b"400"),
}


@pytest.mark.parametrize(("request_bytes", "status"), MALFORMED.values(), ids=MALFORMED.keys())
async def test_agent_refuses_malformed_requests(request_bytes: bytes, status: bytes):
    async with agent() as url:
        answer = await raw(url, request_bytes)
    assert answer.startswith(b"HTTP/1.1 " + status), answer[:80]


async def test_agent_keeps_connections_alive(client):
    async with agent() as url:
        first = await poll(url, client)
        second = await poll(url, client)
        answer = await raw(
            url,
            b"GET /v1/sample HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /v1/sample HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
    assert first["up"].value == second["up"].value == 1.0
    assert answer.count(b"HTTP/1.1 200 OK") == 2


async def test_unreachable_agent_is_down(client):
    got = await poll(f"http://127.0.0.1:{closed_port()}", client)
    assert got["up"].error == "connection refused"
    assert set(got) == {"up"}
