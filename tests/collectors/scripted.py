"""A loopback server that answers each request with bytes a test scripts, byte for byte: for
the framings, the broken answers and the connection games a well-behaved server never plays."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

Answer = bytes | None
"""What to send back; None closes the connection without a word."""
Script = Callable[[int, int], Answer]
"""(connection number, request number on that connection) -> the answer."""


def ok(body: bytes = b"ok", *extra: str) -> bytes:
    head = ["HTTP/1.1 200 OK", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Scripted:
    """Counts connections and requests; `close_after` hangs up once an answer is sent; with
    `hold`, each connection waits for that event before reading its requests."""

    def __init__(
        self, script: Script, *, close_after: bool = False, hold: asyncio.Event | None = None
    ) -> None:
        self.script = script
        self.close_after = close_after
        self.hold = hold
        self.connections = 0
        self.requests: list[bytes] = []
        self.open_now = 0
        self.most_open = 0
        self._server: asyncio.Server | None = None
        self.port = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        number = self.connections
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            if self.hold is not None:
                await self.hold.wait()
            for index in range(1000):
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                except asyncio.CancelledError:
                    return
                self.requests.append(head)
                answer = self.script(number, index)
                if answer is None:
                    return
                writer.write(answer)
                await writer.drain()
                if self.close_after:
                    return
        finally:
            self.open_now -= 1
            writer.close()

    async def __aenter__(self) -> Scripted:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
