"""Slow clients (half a request line, then nothing) cannot lock the pollers out of the agent."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from onwatch.collectors.agent_slots import PER_ADDRESS, TOTAL, Slots
from tests.collectors.test_agent import agent, poll

HALF_A_LINE = b"GET /v1/sam"


async def _stall(
    url: str, source: str = "127.0.0.1"
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port), local_addr=(source, 0))
    writer.write(HALF_A_LINE)
    await writer.drain()
    return reader, writer


@contextlib.asynccontextmanager
async def stalled(url: str, sources: list[str]) -> AsyncIterator[list[asyncio.StreamReader]]:
    """One stalled connection per entry of `sources` (its local address), all held open."""
    pairs = [await _stall(url, source) for source in sources]
    try:
        yield [reader for reader, _ in pairs]
    finally:
        for _, writer in pairs:
            writer.close()


async def _closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    try:
        async with asyncio.timeout(within):
            return await reader.read(-1) == b""
    except TimeoutError:
        return False
    except ConnectionError:
        return True


async def _until(condition, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "the agent did not take the connections in time"
        await asyncio.sleep(0.02)


async def test_a_poller_gets_in_while_64_slow_clients_hold_every_slot(client):
    # The head deadline is far away: the poller must not owe its answer to it.
    slots = Slots(head_seconds=120)
    async with agent(slots=slots) as url, stalled(url, ["127.0.0.1"] * TOTAL) as readers:
        # One address keeps at most its share of the slots: its older stalled sockets go first.
        older = readers[: TOTAL - PER_ADDRESS]
        assert all(await asyncio.gather(*(_closed_by_server(r, within=20) for r in older)))
        await _until(lambda: len(slots) == PER_ADDRESS)
        started = time.monotonic()
        got = await poll(url, client)
        took = time.monotonic() - started
    assert got["up"].value == 1.0, got["up"].error
    assert took < 30, "the poll waited for the head deadline instead of getting a slot"


async def test_a_poller_gets_in_when_slow_clients_from_many_addresses_fill_the_agent(client):
    # 4 loopback addresses x 16 = all 64 slots, none from the poller's own address.
    sources = [f"127.0.0.{2 + i // PER_ADDRESS}" for i in range(TOTAL)]
    slots = Slots(head_seconds=120)
    async with agent(slots=slots) as url, stalled(url, sources) as readers:
        await _until(lambda: len(slots) == TOTAL)
        got = await poll(url, client)
        # The slot it took was the longest-stalled one's: the first opened.
        first_closed = await _closed_by_server(readers[0], within=20)
    assert got["up"].value == 1.0, got["up"].error
    assert first_closed


async def test_slow_clients_are_closed_after_the_head_deadline():
    async with (
        agent(slots=Slots(head_seconds=1.0)) as url,
        stalled(url, ["127.0.0.1"] * 8) as readers,
    ):
        started = time.monotonic()
        # A client that keeps sending a byte at a time does not extend its deadline.
        host, port = url.removeprefix("http://").rsplit(":", 1)
        trickle_reader, trickle = await asyncio.open_connection(host, int(port))

        async def drip() -> None:
            with contextlib.suppress(ConnectionError):
                for byte in b"GET /v1/sample HTTP/1.1\r\nHost: x\r\n":
                    trickle.write(bytes([byte]))
                    await trickle.drain()
                    await asyncio.sleep(0.1)

        dripping = asyncio.create_task(drip())
        results = await asyncio.gather(
            *(_closed_by_server(r, within=20) for r in [*readers, trickle_reader])
        )
        took = time.monotonic() - started
        dripping.cancel()
        trickle.close()
    assert all(results), "a slow client was still connected 20 s after a 1 s head deadline"
    assert took >= 0.9, "closed before the deadline"


async def test_a_connection_being_answered_is_not_displaced(client):
    slots = Slots(total=2, per_address=2, head_seconds=120)
    task_a = asyncio.create_task(asyncio.sleep(10))
    task_b = asyncio.create_task(asyncio.sleep(10))
    task_c = asyncio.create_task(asyncio.sleep(10))
    try:
        a = slots.take("10.0.0.1", task_a)
        b = slots.take("10.0.0.2", task_b)
        assert a is not None and b is not None
        a.busy()
        b.busy()
        assert slots.take("10.0.0.3", task_c) is None  # both busy answering: refused
        b.waiting()
        assert slots.take("10.0.0.3", task_c) is not None  # b stalls: c takes its slot
        await asyncio.sleep(0)
        assert task_b.cancelled() and not task_a.cancelled()
    finally:
        for task in (task_a, task_b, task_c):
            task.cancel()
