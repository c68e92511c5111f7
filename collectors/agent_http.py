"""Just enough HTTP/1.1 for the agent: one strict request reader and one response writer.

Anything unusual is refused rather than interpreted: no request bodies, no folded headers, no
HTTP/2 or 0.9, and hard limits on the request line and headers.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

MAX_LINE = 8 * 1024
MAX_HEADERS = 64
MAX_HEAD = 32 * 1024

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TARGET = re.compile(r"/[\x21-\x7e]*")
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    505: "HTTP Version Not Supported",
}


class HttpError(Exception):
    """A request we will not serve; answered with `status`, then the connection is closed."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    version: str
    headers: dict[str, str]

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return connection != "close"


async def _line(reader: asyncio.StreamReader, too_long: int) -> bytes:
    try:
        line = await reader.readuntil(b"\r\n")
    except asyncio.LimitOverrunError:
        raise HttpError(too_long, "line too long") from None
    if len(line) > MAX_LINE:
        raise HttpError(too_long, "line too long")
    return line[:-2]


def _request_line(raw: bytes) -> tuple[str, str, str]:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise HttpError(400, "request line is not ASCII") from None
    parts = text.split(" ")
    if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]):
        raise HttpError(400, "malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise HttpError(505, "only HTTP/1.x")
    if not _TARGET.fullmatch(target):
        raise HttpError(400, "malformed request target")
    return method, target.split("?", 1)[0], version


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request on the connection, or None when the client closed it between requests.

    The reader's own limit must be at least MAX_LINE (see `asyncio.start_server(limit=...)`).
    """
    try:
        first = await _line(reader, 414)
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise HttpError(400, "truncated request") from None
        return None
    method, path, version = _request_line(first)
    headers: dict[str, str] = {}
    head = len(first)
    try:
        while True:
            raw = await _line(reader, 431)
            if not raw:
                break
            head += len(raw)
            if len(headers) >= MAX_HEADERS or head > MAX_HEAD:
                raise HttpError(431, "too many headers")
            name, colon, value = raw.decode("latin-1").partition(":")
            if not colon or not _TOKEN.fullmatch(name):
                raise HttpError(400, "malformed header")
            key = name.lower()
            if key in headers:
                # Repeated headers are where request smuggling lives; none is needed here.
                raise HttpError(400, "repeated header")
            headers[key] = value.strip(" \t")
    except asyncio.IncompleteReadError:
        raise HttpError(400, "truncated request") from None
    if "transfer-encoding" in headers or headers.get("content-length", "0") != "0":
        raise HttpError(400, "request bodies are not accepted")
    if version == "HTTP/1.1" and "host" not in headers:
        raise HttpError(400, "missing Host header")
    return Request(method, path, version, headers)


def response(
    status: int,
    body: bytes = b"",
    *,
    content_type: str = "text/plain; charset=utf-8",
    keep_alive: bool = True,
    extra: dict[str, str] | None = None,
    head_only: bool = False,
) -> bytes:
    headers = {
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "Cache-Control": "no-store",
        "Connection": "keep-alive" if keep_alive else "close",
        **(extra or {}),
    }
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + body
