"""One bounded HTTP exchange for the HTTP, agent and Prometheus collectors.

The whole exchange, connect to last body byte, fits in the check's timeout: httpx's own timeout
applies to each read, so a server trickling a byte a second would never trip it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from onwatch.collectors.base import UP, bad_data
from onwatch.collectors.bodies import (
    MAX_BODY,
    MAX_BODY_TEXT,
    Body,
    UnsupportedEncoding,
    read_capped,
)
from onwatch.collectors.certs import days_left
from onwatch.collectors.client import VERIFY
from onwatch.collectors.reasons import reason_for, timed_out
from onwatch.incidents.sample import Sample

# A reused keep-alive connection the server has just closed fails at once; these methods are
# safe to send again, so one retry keeps that race from becoming an incident.
_RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def _sendable(url: httpx.URL) -> bool:
    # httpx accepts these and fails later, some of them (port 99999) with odd exceptions.
    port_ok = url.port is None or 0 < url.port < 65536
    return url.scheme in ("http", "https") and bool(url.host) and port_ok


class FetchFailed(Exception):
    """No usable response; the message is the reason an incident title carries."""


@dataclass(frozen=True, slots=True)
class Fetched:
    response: httpx.Response
    """Closed: headers and status only, the body is in `body`."""
    body: Body
    seconds: float
    """From sending the request to the last byte read."""
    cert_days: float | None
    """Days until the server's certificate expires (https only)."""
    address: str | None = None
    """The server's address as connected to ("127.0.0.1:8080"), when the transport says."""


def _peer(response: httpx.Response) -> str | None:
    """The address the response came from; read while the connection is still open."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        peer = stream.get_extra_info("server_addr")
    except Exception:  # a transport without the detail: evidence goes without it
        return None
    if isinstance(peer, tuple) and len(peer) >= 2:
        host, port = peer[0], peer[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return None if peer is None else str(peer)


async def _exchange(
    client: httpx.AsyncClient, request: httpx.Request, now: datetime, *, cap: int
) -> Fetched:
    started = time.perf_counter()
    response = await client.send(request, stream=True)
    try:
        address = _peer(response)
        # Read while the connection is still open: closing drops the TLS details.
        cert_days = days_left(response, now) if response.url.scheme == "https" else None
        if request.method == "HEAD":
            body = Body(b"", truncated=False)
        else:
            body = await read_capped(response, cap)
    finally:
        await response.aclose()
    return Fetched(response, body, time.perf_counter() - started, cert_days, address)


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    within: timedelta,
    now: datetime,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    verify: bool = True,
    cap: int,
) -> Fetched:
    """Send one request and read at most `cap` bytes of its body, all `within` this time.

    Raises FetchFailed with the reason ("timeout after 10s", "connection refused", ...).
    """
    seconds = within.total_seconds()
    try:
        request = client.build_request(
            method.upper(),
            url,
            headers=dict(headers or {}),
            timeout=seconds,
            extensions={VERIFY: verify},
        )
    except httpx.InvalidURL:
        raise FetchFailed("invalid URL") from None
    if not _sendable(request.url):
        raise FetchFailed("invalid URL")
    try:
        async with asyncio.timeout(seconds):
            try:
                return await _exchange(client, request, now, cap=cap)
            except _STALE_CONNECTION:
                if request.method not in _RETRYABLE_METHODS:
                    raise
            return await _exchange(client, request, now, cap=cap)
    except TimeoutError:
        raise FetchFailed(timed_out(within)) from None
    except (httpx.HTTPError, OSError) as exc:
        raise FetchFailed(reason_for(exc, request.url.host, within)) from None
    except UnsupportedEncoding as exc:
        raise FetchFailed(f"unsupported content encoding {exc}") from None


@dataclass(frozen=True, slots=True)
class Document:
    """A remote host's whole answer (agent sample, Prometheus page) and its `up` sample."""

    data: bytes
    up: Sample


async def fetch_document(
    client: httpx.AsyncClient,
    url: str,
    *,
    source: str,
    check: str,
    headers: Mapping[str, str],
    within: timedelta,
    now: datetime,
    hints: Mapping[int, str] | None = None,
) -> Document | list[Sample]:
    """Fetch a document a collector will parse, or the samples that say why there is none.

    Anything but a complete 200 answer ends here: a failed fetch or another status is `up`
    failing (`hints` adds a word for some statuses); a body over the cap is `up` plus bad data.
    """
    try:
        fetched = await fetch(client, url, headers=headers, within=within, now=now, cap=MAX_BODY)
    except FetchFailed as failed:
        return [Sample.failed(source, check, UP, str(failed), now)]
    status = fetched.response.status_code
    if status != 200:
        hint = (hints or {}).get(status, "")
        return [Sample.failed(source, check, UP, f"unexpected status {status}{hint}", now)]
    up = Sample(source, check, UP, 1.0, now)
    if fetched.body.truncated:
        return [up, bad_data(source, check, [f"body over {MAX_BODY_TEXT}"], now)]
    return Document(fetched.body.data, up)
