"""One bounded HTTP exchange for the HTTP, agent and Prometheus collectors.

The whole exchange, connect to last body byte, fits in the check's timeout: a per-read timeout
alone would never trip on a server trickling a byte a second. Under the engine, that limit sits in
the scheduler's heap of timers (collectors.timers) rather than being an asyncio timer of its own.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, unquote, urlsplit

from onwatch.collectors.base import UP, bad_data
from onwatch.collectors.bodies import (
    MAX_BODY,
    MAX_BODY_TEXT,
    Body,
    CorruptEncoding,
    UnsupportedEncoding,
    capped,
    read_capped,
)
from onwatch.collectors.certs import days_left
from onwatch.collectors.client import Client, Origin, send
from onwatch.collectors.reasons import reason_for, timed_out
from onwatch.collectors.timers import within as limited
from onwatch.collectors.wire import (
    NoResponse,
    ProtocolError,
    ReadLost,
    Response,
    WriteLost,
    body_pieces,
    framing,
    read_head,
    whole_body,
)
from onwatch.incidents.sample import Sample

# A reused keep-alive connection the server has just closed fails at once; these methods are
# safe to send again, so one retry on a new connection keeps that race from becoming an incident.
_RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_STALE_CONNECTION = (NoResponse, ReadLost, WriteLost)
_FAILURES = (OSError, ExceptionGroup, ProtocolError, ReadLost, WriteLost)
_PATH_SAFE = "!#$%&'()*+,/:;=?@[]~"
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class FetchFailed(Exception):
    """No usable response; the message is the reason an incident title carries."""


@dataclass(frozen=True, slots=True)
class Fetched:
    response: Response
    """Status and headers; the body is in `body`."""
    body: Body
    seconds: float
    """From sending the request to the last byte read."""
    cert_days: float | None
    """Days until the server's certificate expires (https only)."""
    address: str | None = None
    """The server's address as connected to ("127.0.0.1:8080")."""


@dataclass(frozen=True, slots=True)
class Request:
    origin: Origin
    method: str
    data: bytes
    """The request as sent: request line and headers."""


def _invalid() -> FetchFailed:
    return FetchFailed("invalid URL")


def build_request(
    method: str, url: str, headers: Mapping[str, str], *, verify: bool, defaults: Mapping[str, str]
) -> Request:
    """The bytes of one request to `url`; FetchFailed for a URL or header that cannot be sent."""
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise _invalid() from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise _invalid()
    default_port = 443 if scheme == "https" else 80
    if port is None:
        port = default_port
    elif not 0 < port < 65536:
        raise _invalid()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise _invalid() from None
    shown = f"[{host}]" if ":" in host else host
    if port != default_port:
        shown = f"{shown}:{port}"
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    fields = {"host": ("Host", shown)}
    for name, value in defaults.items():
        fields[name.lower()] = (name, value)
    if parts.username is not None or parts.password is not None:
        userinfo = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        token = base64.b64encode(userinfo.encode()).decode("ascii")
        fields["authorization"] = ("Authorization", f"Basic {token}")
    for name, value in headers.items():
        if not name or not _TOKEN.issuperset(name) or any(c in value for c in "\r\n\0"):
            raise FetchFailed(f"invalid header {name[:40]!r}")
        fields[name.lower()] = (name, value)
    lines = [f"{method} {quote(target, safe=_PATH_SAFE)} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in fields.values()]
    try:
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    except UnicodeEncodeError:
        raise FetchFailed("invalid header value: not Latin-1 text") from None
    return Request((verify, scheme, host, port), method, data)


class _Stale(Exception):
    """A reused connection turned out closed before answering: worth one more try."""


async def _exchange(
    client: Client, request: Request, now: datetime, *, cap: int, fresh: bool
) -> Fetched:
    started = time.perf_counter()
    origin = request.origin
    pool = client.pool(origin)
    async with pool.slots:
        pool.busy += 1
        try:
            connection = await client.connection(origin, pool, fresh=fresh)
            done = False
            try:
                await send(connection, request.data)
                reader = connection.reader
                response = await read_head(reader)
                frame = framing(response, head=request.method == "HEAD")
                if frame.length == 0:
                    body = Body(b"", truncated=False)
                elif frame.length is not None and (raw := await whole_body(reader, frame.length)):
                    body = capped(raw, frame.encoding, cap)
                else:
                    body = await read_capped(body_pieces(reader, frame), frame.encoding, cap)
                done = True
            except _STALE_CONNECTION as exc:
                if connection.reused and request.method in _RETRYABLE_METHODS:
                    raise _Stale() from exc
                raise
            finally:
                if done:
                    client.release(pool, connection, reusable=frame.reusable and not body.truncated)
                else:
                    connection.abort()
        finally:
            pool.busy -= 1
    cert_days = days_left(connection.expiry, now) if origin[1] == "https" else None
    return Fetched(response, body, time.perf_counter() - started, cert_days, connection.address)


async def fetch(
    client: Client,
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
    key = (method, url, verify, tuple(headers.items()) if headers else ())
    request = client.requests.get(key)
    if request is None:
        request = build_request(
            method.upper(), url, headers or {}, verify=verify, defaults=client.headers
        )
        client.remember(key, request)
    try:
        async with limited(within.total_seconds()):
            try:
                return await _exchange(client, request, now, cap=cap, fresh=False)
            except _Stale:
                pass
            return await _exchange(client, request, now, cap=cap, fresh=True)
    except TimeoutError:
        raise FetchFailed(timed_out(within)) from None
    except _FAILURES as exc:
        raise FetchFailed(reason_for(exc, request.origin[2], within)) from None
    except UnicodeError:  # a host name the resolver cannot encode
        raise FetchFailed("invalid URL") from None
    except UnsupportedEncoding as exc:
        raise FetchFailed(f"unsupported content encoding {exc}") from None
    except CorruptEncoding as exc:
        raise FetchFailed(f"protocol error: the body is not valid {exc}") from None


@dataclass(frozen=True, slots=True)
class Document:
    """A remote host's whole answer (agent sample, Prometheus page) and its `up` sample."""

    data: bytes
    up: Sample


async def fetch_document(
    client: Client,
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
