"""A minimal, fast HTTP/1.1 server on 127.0.0.1 for load tests: every request gets 200 "ok"."""

from __future__ import annotations

import asyncio

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


async def _serve_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head:
                break
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def serve(port: int = 0, ready: asyncio.Future[int] | None = None) -> None:
    server = await asyncio.start_server(_serve_client, "127.0.0.1", port, backlog=2048)
    bound = server.sockets[0].getsockname()[1]
    if ready is not None:
        ready.set_result(bound)
    async with server:
        await server.serve_forever()


def main() -> None:
    """Run standalone, printing the port: `python -m bench.fast_server`."""

    async def run() -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[int] = loop.create_future()
        task = asyncio.create_task(serve(0, ready))
        print(await ready, flush=True)
        await task

    asyncio.run(run())


if __name__ == "__main__":
    main()
