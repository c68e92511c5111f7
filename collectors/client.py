"""The one HTTP client every network collector shares, and how its connections are pooled.

A small HTTP/1.1 client of our own on asyncio streams (the parser is collectors.wire): a check
sends one request and reads one bounded answer, so a general client's layers (httpx: models,
auth, cookies, redirects, an anyio network backend) cost several times the exchange itself.

Keep-alive connections are pooled per (trust mode, scheme, host, port): one pool per origin,
so a request looks only at the few idle connections of its own host, and never at a connection
made with the other trust mode. The engine makes one client, passes it to every network
collector and closes it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from onwatch.collectors.certs import expires_at
from onwatch.collectors.wire import STREAM_LIMIT, WriteLost


@dataclass(frozen=True, slots=True)
class Limits:
    max_connections: int
    """Open at once per origin; more requests wait (within their deadline) for one to free."""
    max_keepalive_connections: int
    """Idle ones kept per origin."""
    keepalive_expiry: float
    """Seconds an idle connection is kept."""


LIMITS = Limits(max_connections=20, max_keepalive_connections=20, keepalive_expiry=30.0)
"""Per origin. Checks repeat every few seconds, so connections live long enough to be reused;
every connection an origin may have open is kept while idle, since many checks on one origin
fall due together and a burst past a smaller idle limit closed and reopened connections on every
round (with 10,000 checks on one origin, 0.30 against 0.23 ms of CPU a check)."""

_MAX_REQUESTS = 100_000
_SWEEP_EVERY = 5.0
"""Seconds between looks for expired idle connections across every origin."""


def user_agent() -> str:
    try:
        version = metadata.version("onwatch")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"onwatch/{version}"


def verifying_context() -> ssl.SSLContext:
    """Certificate authorities from SSL_CERT_FILE / SSL_CERT_DIR when set (a private CA),
    certifi's bundle otherwise."""
    cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    if cafile and Path(cafile).is_file():
        context = ssl.create_default_context(cafile=cafile)
    elif capath and Path(capath).is_dir():
        context = ssl.create_default_context(capath=capath)
    else:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


def lenient_context() -> ssl.SSLContext:
    """For checks with `verify = false`: encrypted, but any certificate and name accepted
    (so no authorities to load)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["http/1.1"])
    return context


Origin = tuple[bool, str, str, int]
"""(verify, scheme, host, port)."""


class Connection:
    """One open connection to an origin, with what the evidence needs read at connect time."""

    __slots__ = ("address", "expiry", "idle_since", "reader", "reused", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        peer = writer.get_extra_info("peername")
        self.address = _format_peer(peer)
        tls = writer.get_extra_info("ssl_object")
        # Read once: the certificate is the same for every request on this connection.
        self.expiry: datetime | None = expires_at(tls) if tls is not None else None
        self.idle_since = 0.0
        self.reused = False

    def usable(self, now: float, expiry: float) -> bool:
        reader = self.reader
        return (
            now - self.idle_since < expiry
            and not self.writer.transport.is_closing()
            and not reader.at_eof()
            and not reader._buffer  # bytes nobody asked for: the server is confused
        )

    def close(self) -> None:
        self.writer.close()

    def abort(self) -> None:
        """Drop at once, without a TLS goodbye: after a timeout or a broken answer."""
        self.writer.transport.abort()


def _format_peer(peer: object) -> str | None:
    if isinstance(peer, tuple) and len(peer) >= 2:
        host, port = peer[0], peer[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return None if peer is None else str(peer)


class Pool:
    """One origin's connections: the idle ones, and the slots that bound how many are open."""

    __slots__ = ("busy", "idle", "slots")

    def __init__(self, limits: Limits) -> None:
        self.idle: list[Connection] = []
        self.slots = asyncio.Semaphore(limits.max_connections)
        self.busy = 0
        """Exchanges holding a slot (the pool is forgotten only when none does)."""


async def _connect(
    host: str, port: int, context: ssl.SSLContext | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Each address of `host` in turn; every failure kept, so the reason can pick the telling one."""
    try:
        ipaddress.ip_address(host)
        addresses = [host]
    except ValueError:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    errors: list[OSError] = []
    for address in addresses:
        try:
            return await asyncio.open_connection(
                address,
                port,
                ssl=context,
                server_hostname=host if context is not None else None,
                limit=STREAM_LIMIT,
            )
        except OSError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    raise ExceptionGroup(f"could not connect to {host}", errors)


class Client:
    """Keep-alive HTTP/1.1 connections per origin, bounded by `LIMITS`.

    Never follows redirects, uses no proxy and reads no .netrc: a monitor should see the
    service itself, and must not send credentials from ~/.netrc to whatever URL a check names.
    """

    follow_redirects = False
    headers = {"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate", "Accept": "*/*"}
    """Sent with every request unless a check sets its own; only the encodings that
    collectors.bodies can inflate within its size cap."""

    def __init__(self, trusted: ssl.SSLContext | None = None, limits: Limits = LIMITS) -> None:
        # One context per trust mode, shared by every connection: loading the CA bundle is the
        # costly part.
        self._contexts = {True: trusted or verifying_context(), False: lenient_context()}
        self._limits = limits
        self._pools: dict[Origin, Pool] = {}
        self._swept = time.monotonic()
        self.requests: dict[Hashable, Any] = {}
        """Each check's request as built (its bytes), by what it was built from: checks repeat."""

    def remember(self, key: Hashable, request: object) -> None:
        if len(self.requests) >= _MAX_REQUESTS:
            self.requests.clear()  # many more distinct URLs than checks: a config full of them
        self.requests[key] = request

    def pool(self, origin: Origin) -> Pool:
        """The origin's pool; hold its `slots` (and count `busy`) for the whole exchange."""
        now = time.monotonic()
        if now - self._swept > _SWEEP_EVERY:
            self._sweep(now)
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools[origin] = Pool(self._limits)
        return pool

    async def connection(self, origin: Origin, pool: Pool, *, fresh: bool = False) -> Connection:
        """An idle connection to `origin` if one is still good (unless `fresh`), else a new one."""
        now = time.monotonic()
        expiry = self._limits.keepalive_expiry
        while pool.idle and not fresh:
            connection = pool.idle.pop()
            if connection.usable(now, expiry):
                connection.reused = True
                return connection
            connection.close()
        verify, scheme, host, port = origin
        context = self._contexts[verify] if scheme == "https" else None
        reader, writer = await _connect(host, port, context)
        return Connection(reader, writer)

    def release(self, pool: Pool, connection: Connection, *, reusable: bool) -> None:
        """Back to the idle list when it can carry another request; closed otherwise."""
        if reusable and len(pool.idle) < self._limits.max_keepalive_connections:
            connection.idle_since = time.monotonic()
            connection.reused = False
            pool.idle.append(connection)
        else:
            connection.close()

    def _sweep(self, now: float) -> None:
        self._swept = now
        expiry = self._limits.keepalive_expiry
        for origin, pool in list(self._pools.items()):
            if pool.idle:
                keep = [c for c in pool.idle if c.usable(now, expiry)]
                for gone in pool.idle:
                    if gone not in keep:
                        gone.close()
                pool.idle = keep
            if not pool.idle and not pool.busy:
                del self._pools[origin]

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            for connection in pool.idle:
                connection.close()
        await asyncio.sleep(0)  # let the transports finish closing

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def send(connection: Connection, request: bytes) -> None:
    writer = connection.writer
    try:
        writer.write(request)
        await writer.drain()
    except OSError as exc:
        raise WriteLost(str(exc)) from exc


def make_client(*, trusted: ssl.SSLContext | None = None) -> Client:
    """The shared client: keep-alive, no redirects, no proxies or .netrc from the environment.

    `trusted` replaces the default certificate authorities (certifi, or SSL_CERT_FILE) for
    checks with `verify = true`; tests pass a context trusting their own CA.
    """
    return Client(trusted)
