"""Every listening part (the agent, `onwatch serve`) against hostile clients: no token, a wrong
one, a 1 MB header, 1,000 connections at once. Each answers a 4xx (or drops the connection) and
then serves a good client as before. (Slowloris: serve in tests/serve/test_api.py; the agent's
slow-client deadline is tested with its fix.)"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from onwatch.collectors.agent_server import serve as serve_agent
from tests.faults.scale import scaled
from tests.serve.conftest import OPERATOR_TOKEN, Live, start_live

AGENT_TOKEN = "agent-Secret-51c0ffee"
CONNECTIONS = scaled(1000, soak=1000)
HUGE_HEADER = b"X-Filler: " + b"a" * (1024 * 1024) + b"\r\n"


async def exchange(host: str, port: int, request: bytes, within: float = 60) -> bytes:
    """Send `request` on a fresh connection; everything answered until close (b"" if reset)."""
    try:
        async with asyncio.timeout(within):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(request)
                await writer.drain()
                return await reader.read(-1)
            finally:
                writer.close()
    except (ConnectionError, TimeoutError, OSError):
        return b""


def request(path: str, token: str | None, extra: bytes = b"") -> bytes:
    auth = f"Authorization: Bearer {token}\r\n".encode() if token else b""
    return (
        f"GET {path} HTTP/1.1\r\nHost: x\r\n".encode() + auth + extra + b"Connection: close\r\n\r\n"
    )


async def flood(host: str, port: int, payload: bytes, count: int) -> list[bytes]:
    return list(await asyncio.gather(*(exchange(host, port, payload) for _ in range(count))))


def status(answer: bytes) -> int | None:
    return int(answer[9:12]) if answer.startswith(b"HTTP/1.1 ") else None


# --- onwatch serve ------------------------------------------------------------------------------


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    server, finish = start_live(tmp_path)
    yield server
    finish()


def address(live: Live) -> tuple[str, int]:
    host, port = live.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def answers_a_good_client(live: Live) -> bool:
    with httpx.Client(base_url=live.url, timeout=10) as client:
        headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        return client.get("/v1/incidents", headers=headers).status_code == 200


@pytest.mark.parametrize("token", [None, "", "wrong", OPERATOR_TOKEN + "x", "x" * 10_000])
def test_serve_refuses_a_missing_or_wrong_token_and_stays_up(live: Live, token) -> None:
    host, port = address(live)
    answer = asyncio.run(exchange(host, port, request("/v1/incidents", token or None)))
    # A 10 KB token is a too-long head for some servers: refused either way, never read.
    assert status(answer) in (401, 431, 400), answer[:200]
    assert answers_a_good_client(live)


def test_serve_refuses_a_1_mb_header_without_reading_it_and_stays_up(live: Live) -> None:
    host, port = address(live)
    answer = asyncio.run(exchange(host, port, request("/v1/health", None, HUGE_HEADER)))
    assert answer == b"" or status(answer) in (400, 431), answer[:200]
    assert answers_a_good_client(live)


def test_serve_survives_1000_connections_at_once_and_answers_afterwards(live: Live) -> None:
    host, port = address(live)
    answers = asyncio.run(flood(host, port, request("/v1/health", None), CONNECTIONS))
    statuses = [status(a) for a in answers]
    # Each is answered (200, or 503 past the connection limit) or let go; none hangs the server.
    assert set(statuses) <= {200, 503, None}, set(statuses)
    assert statuses.count(200) > 0
    assert answers_a_good_client(live)


# --- onwatch agent ------------------------------------------------------------------------------


async def with_agent(token: str | None, work) -> object:
    loop = asyncio.get_running_loop()
    bound: asyncio.Future[str] = loop.create_future()
    task = asyncio.create_task(serve_agent("127.0.0.1:0", token, ready=bound.set_result))
    await asyncio.wait_for(asyncio.shield(bound), 10)
    host, port = bound.result().rsplit(":", 1)
    try:
        return await work(host, int(port))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def good_poll(host: str, port: int) -> int | None:
    return status(await exchange(host, port, request("/v1/sample", AGENT_TOKEN), within=20))


@pytest.mark.parametrize("token", [None, "wrong", AGENT_TOKEN + "x", "x" * 10_000])
async def test_agent_refuses_a_missing_or_wrong_token_and_stays_up(token) -> None:
    async def work(host: str, port: int) -> tuple[int | None, int | None]:
        bad = status(await exchange(host, port, request("/v1/sample", token)))
        return bad, await good_poll(host, port)

    bad, good = await with_agent(AGENT_TOKEN, work)
    assert bad in (401, 400, 431, None)
    assert bad != 200 and good == 200


async def test_agent_refuses_a_1_mb_header_and_stays_up() -> None:
    async def work(host: str, port: int) -> tuple[bytes, int | None]:
        answer = await exchange(host, port, request("/v1/sample", AGENT_TOKEN, HUGE_HEADER))
        return answer, await good_poll(host, port)

    answer, good = await with_agent(AGENT_TOKEN, work)
    assert answer == b"" or status(answer) in (400, 431), answer[:200]
    assert good == 200


async def test_agent_survives_1000_connections_at_once_and_answers_afterwards() -> None:
    async def work(host: str, port: int) -> tuple[list[bytes], int | None]:
        answers = await flood(host, port, request("/v1/sample", AGENT_TOKEN), CONNECTIONS)
        return answers, await good_poll(host, port)

    answers, good = await with_agent(AGENT_TOKEN, work)
    statuses = {status(a) for a in answers}
    assert statuses <= {200, 503, None}, statuses
    assert 200 in statuses
    assert good == 200
