"""`onwatch agent`: this host's sample as JSON at GET /v1/sample, for a remote onwatch to poll.

Without a token it only listens on loopback; with one, every request must carry it. The token
and the Authorization header are never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime

from onwatch.collectors.agent_http import MAX_LINE, HttpError, Request, read_request, response
from onwatch.collectors.agent_payload import PATH, encode
from onwatch.collectors.agent_slots import Slot, Slots
from onwatch.collectors.listen import is_loopback, parse_listen
from onwatch.collectors.local import LocalCollector
from onwatch.collectors.specs import LocalCheck

log = logging.getLogger(__name__)

FRESH_SECONDS = 1.0
"""Pollers arriving within this of each other share one sample: polling cannot cost more."""

_JSON = "application/json"

__all__ = ["is_loopback", "parse_listen", "serve"]


def _digest(secret: bytes) -> bytes:
    # Comparing fixed-size digests keeps the comparison's time from revealing the length.
    return hashlib.sha256(secret).digest()


class _Sampler:
    """One LocalCollector behind a lock, with a short-lived cache of the encoded sample."""

    def __init__(self, check: LocalCheck) -> None:
        self._collector = LocalCollector(check)
        self._lock = asyncio.Lock()
        self._body = b""
        self._taken: float | None = None

    async def body(self) -> bytes:
        async with self._lock:
            if self._taken is None or time.monotonic() - self._taken >= FRESH_SECONDS:
                now = datetime.now(UTC)
                samples = await self._collector.collect(now)
                self._body = encode(self._collector.spec.source, now, samples)
                self._taken = time.monotonic()
            return self._body


class _Agent:
    def __init__(self, token: str | None, check: LocalCheck, slots: Slots) -> None:
        self._token = _digest(token.encode()) if token is not None else None
        self._sampler = _Sampler(check)
        self._slots = slots

    def _authorized(self, request: Request) -> bool:
        if self._token is None:
            return True
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return False
        # Headers were read as latin-1: back to the bytes the client sent (UTF-8 for a
        # non-ASCII token).
        sent = credentials.strip().encode("latin-1")
        return hmac.compare_digest(_digest(sent), self._token)

    async def _answer(self, request: Request) -> tuple[int, bytes]:
        keep = request.keep_alive
        if not self._authorized(request):
            body = b"a valid bearer token is required\n"
            extra = {"WWW-Authenticate": 'Bearer realm="onwatch"'}
            return 401, response(401, body, keep_alive=keep, extra=extra)
        if request.path != PATH:
            return 404, response(404, b"not found\n", keep_alive=keep)
        if request.method not in ("GET", "HEAD"):
            extra = {"Allow": "GET, HEAD"}
            return 405, response(405, b"use GET\n", keep_alive=keep, extra=extra)
        body = await self._sampler.body()
        head_only = request.method == "HEAD"
        return 200, response(200, body, content_type=_JSON, keep_alive=keep, head_only=head_only)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        peer = writer.get_extra_info("peername")
        address = str(peer[0]) if peer else "?"
        slot = self._slots.take(address, task)
        if slot is None:
            log.warning("agent: refusing a connection from %s, every slot is busy", peer)
            writer.close()
            return
        try:
            await self._serve_connection(reader, writer, peer, slot)
        except TimeoutError:
            log.info("agent: closing %s: no complete request within the deadline", peer)
        except ConnectionError:
            pass  # the client went away: nothing to answer
        except asyncio.CancelledError:
            # The server is shutting down. Nothing awaits this task but asyncio's stream
            # callback, which would log a cancelled task as an error: end quietly instead.
            pass
        finally:
            self._slots.release(slot)
            # No wait_closed(): an await here could be cancelled again at shutdown.
            writer.close()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: object, slot: Slot
    ) -> None:
        while True:
            slot.waiting()
            try:
                # The whole head within the deadline: a byte now and then does not extend it.
                async with asyncio.timeout(self._slots.head_seconds):
                    request = await read_request(reader)
            except HttpError as exc:
                log.info("agent: bad request from %s: %s", peer, exc)
                writer.write(response(exc.status, f"{exc}\n".encode(), keep_alive=False))
                await writer.drain()
                return
            if request is None:
                return
            slot.busy()
            status, raw = await self._answer(request)
            # The path is logged, never the headers: Authorization carries the token.
            log.log(
                logging.WARNING if status == 401 else logging.DEBUG,
                "agent: %s %s -> %d for %s",
                request.method,
                request.path[:100],
                status,
                peer,
            )
            writer.write(raw)
            await writer.drain()
            if not request.keep_alive:
                return

    async def close_connections(self) -> None:
        tasks = self._slots.tasks()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def serve(
    listen: str,
    token: str | None,
    *,
    ready: Callable[[str], None] | None = None,
    check: LocalCheck | None = None,
    slots: Slots | None = None,
) -> None:
    """Serve this host's sample until cancelled.

    Raises ValueError before listening when `listen` is malformed, or not a loopback address
    while `token` is None (the sample would be open to the network). `ready` receives the
    address actually bound (useful with port 0). `slots` sets the connection caps and the
    deadline for a request head (tests shorten it).
    """
    host, port = parse_listen(listen)
    if token is not None and not token.strip():
        raise ValueError("the agent token is empty")
    if token is None and not is_loopback(host):
        raise ValueError(
            f"refusing to listen on {host}:{port} without a token: anyone who can reach it "
            "could read this host's metrics. Set a token with --token-env VAR, or listen on "
            "127.0.0.1."
        )
    agent = _Agent(token, check or LocalCheck(), slots if slots is not None else Slots())
    server = await asyncio.start_server(agent.handle, host, port, limit=MAX_LINE)
    bound = server.sockets[0].getsockname()
    ipv6 = server.sockets[0].family == socket.AF_INET6
    address = f"[{bound[0]}]:{bound[1]}" if ipv6 else f"{bound[0]}:{bound[1]}"
    log.info("agent: serving %s on %s (token %s)", PATH, address, "required" if token else "off")
    if ready is not None:
        ready(address)
    try:
        async with server:
            await server.serve_forever()
    finally:
        await agent.close_connections()
