"""The floor under the engine's HTTP checks: the same requests from a bare asyncio client, a bare
httpx client, httpx over the httpx-aiohttp transport and bare aiohttp (the last two when they
are installed, as in the bench's own environment), without onwatch, at the engine's pace and
flat out."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
REQUEST = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n"


async def _raw_one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(REQUEST)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)


async def raw(port: int, total: int, pace: float) -> dict:
    """`pace` seconds between requests (0: back to back), each on a pooled keep-alive connection."""
    pool: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def one() -> None:
        connection = pool.pop() if pool else await asyncio.open_connection("127.0.0.1", port)
        await _raw_one(*connection)
        pool.append(connection)

    return await _drive(one, total, pace)


async def with_httpx(port: int, total: int, pace: float) -> dict:
    async with httpx.AsyncClient() as client:

        async def one() -> None:
            response = await client.get(f"http://127.0.0.1:{port}/health")
            response.raise_for_status()

        return await _drive(one, total, pace)


async def with_httpx_aiohttp(port: int, total: int, pace: float) -> dict:
    from httpx_aiohttp import AiohttpTransport

    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:

        async def one() -> None:
            response = await client.get(f"http://127.0.0.1:{port}/health")
            response.raise_for_status()

        return await _drive(one, total, pace)


async def with_aiohttp(port: int, total: int, pace: float) -> dict:
    import aiohttp

    async with aiohttp.ClientSession() as session:

        async def one() -> None:
            async with session.get(f"http://127.0.0.1:{port}/health") as response:
                response.raise_for_status()
                await response.read()

        return await _drive(one, total, pace)


CLIENTS: dict[str, Callable[[int, int, float], Awaitable[dict]]] = {
    "bare asyncio": raw,
    "bare httpx": with_httpx,
    "httpx + httpx-aiohttp": with_httpx_aiohttp,
    "bare aiohttp": with_aiohttp,
}


async def _drive(one: Callable[[], Awaitable[None]], total: int, pace: float) -> dict:
    cpu, wall = time.process_time(), time.monotonic()
    if pace:
        # Each request starts on its own schedule (as the engine's checks do), never in bursts.
        loop = asyncio.get_running_loop()
        start = loop.time()
        tasks = []
        for n in range(total):
            tasks.append(asyncio.create_task(one()))
            await asyncio.sleep(max(0.0, start + (n + 1) * pace - loop.time()))
        await asyncio.gather(*tasks)
    else:
        for _ in range(total):
            await one()
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    return {
        "requests_per_s": round(total / wall),
        "cpu_ms_per_request": round(1000 * cpu / total, 3),
        "cpu_percent_of_one_core": round(100 * cpu / wall, 1),
    }


def paced(port: int, rate: float, seconds: float) -> dict:
    """Every client that is installed, `rate` requests a second for `seconds`, one after another."""
    results = {}
    for name, client in CLIENTS.items():
        try:
            results[name] = asyncio.run(client(port, int(rate * seconds), 1 / rate))
        except ImportError as exc:
            results[name] = {"missing": str(exc)}
    return results


def main() -> dict:
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.fast_server"], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        port = int(server.stdout.readline())  # type: ignore[union-attr]
        results = {
            "raw_back_to_back": asyncio.run(raw(port, 20_000, 0)),
            "httpx_back_to_back": asyncio.run(with_httpx(port, 5_000, 0)),
            "raw_100_per_s": asyncio.run(raw(port, 3_000, 0.01)),
            "httpx_100_per_s": asyncio.run(with_httpx(port, 3_000, 0.01)),
        }
    finally:
        server.terminate()
        server.wait()
    print(json.dumps({"client_floor": results}, indent=2))
    return results


if __name__ == "__main__":
    main()
