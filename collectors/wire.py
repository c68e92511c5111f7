"""HTTP/1.1 responses read off an asyncio stream from a server we do not trust.

Everything read is bounded: the status line and each header line (the stream's line limit),
the number of header lines and their total size, the number of informational (1xx) answers
skipped, chunk size lines and trailers. The body comes out in raw pieces, as framed by
Content-Length, chunked transfer coding or the end of the connection; the caller decides how
much of it to keep (collectors.bodies).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

LINE_LIMIT = 8 * 1024
"""Longest status, header or chunk size line."""
MAX_HEADERS = 100
MAX_HEAD = 64 * 1024
"""Status line and header lines together."""
STREAM_LIMIT = MAX_HEAD
"""The stream's buffer limit: no line read can be longer, and the socket is read in pieces
this size (a smaller one would read a 1 MiB body in many more small pieces)."""
MAX_INTERIM = 10
"""Informational answers (100 Continue, 103 Early Hints) skipped before the real one."""
PIECE = 64 * 1024

_HEX = frozenset(b"0123456789abcdefABCDEF")
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class ProtocolError(Exception):
    """The server broke HTTP: a malformed, oversized or unfinished message."""


class NoResponse(ProtocolError):
    """The connection ended before a single byte of an answer: on a reused keep-alive
    connection, the server had closed it while it sat idle."""


class ReadLost(Exception):
    """The connection failed while reading the answer (the OSError is its cause)."""


class WriteLost(Exception):
    """The connection failed while sending the request (the OSError is its cause)."""


@dataclass(frozen=True, slots=True)
class Response:
    """What the server answered, but the body: status and headers (names in lower case)."""

    status_code: int
    headers: tuple[tuple[str, str], ...]
    http10: bool = False

    def header(self, name: str) -> str | None:
        """The first value of a header (`name` in lower case), or None."""
        for key, value in self.headers:
            if key == name:
                return value
        return None

    @property
    def charset(self) -> str | None:
        kind = self.header("content-type")
        if not kind:
            return None
        for param in kind.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip('"') or None
        return None


async def _raw_line(reader: asyncio.StreamReader, *, first: bool = False) -> bytes:
    """One line with its ending. A connection closed before the `first` byte of an answer is
    `NoResponse` (a reused connection the server had dropped), anywhere else a broken one."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise ProtocolError("line too long") from None
    except asyncio.IncompleteReadError as exc:
        if first and not exc.partial:
            raise NoResponse("closed before answering") from None
        raise ProtocolError("connection closed mid-message") from None
    except OSError as exc:
        raise ReadLost(str(exc)) from exc
    if len(line) > LINE_LIMIT:
        raise ProtocolError("line too long")
    return line


async def _line(reader: asyncio.StreamReader) -> bytes:
    """One line without its ending (CRLF, or a bare LF as RFC 9112 lets a recipient accept)."""
    line = await _raw_line(reader)
    return line[:-2] if line.endswith(b"\r\n") else line[:-1]


def _status(line: bytes) -> tuple[int, bool]:
    version, _, rest = line.partition(b" ")
    if version == b"HTTP/1.1":
        http10 = False
    elif version == b"HTTP/1.0":
        http10 = True
    else:
        raise ProtocolError("not an HTTP/1.x status line")
    code = rest[:3]
    if len(code) != 3 or not code.isdigit() or rest[3:4] not in (b"", b" "):
        raise ProtocolError("bad status code")
    status = int(code)
    if status < 100:
        raise ProtocolError("bad status code")
    return status, http10


def _header(line: bytes) -> tuple[str, str]:
    name, colon, value = line.partition(b":")
    if not colon or not name or not _TOKEN.issuperset(name):
        raise ProtocolError("malformed header line")  # also obsolete line folding
    value = value.strip(b" \t")
    if b"\r" in value or b"\0" in value:
        raise ProtocolError("control character in a header value")
    return name.decode("ascii").lower(), value.decode("latin-1")


class _Head:
    """An answer's status and headers as they are read, within the head's limits."""

    __slots__ = ("headers", "http10", "size", "status")

    def __init__(self, first: bytes) -> None:
        self.status, self.http10 = _status(first.rstrip(b"\r\n"))
        self.size = len(first)
        self.headers: list[tuple[str, str]] = []

    def add(self, line: bytes) -> None:
        self.size += len(line) + 2
        if len(self.headers) >= MAX_HEADERS or self.size > MAX_HEAD:
            raise ProtocolError("too many or too large headers")
        self.headers.append(_header(line))


async def _one_head(reader: asyncio.StreamReader) -> _Head:
    """One answer's status line, then its headers: in one go when the buffer holds them whole
    and every line ends in CRLF (the common case of a small answer), line by line otherwise,
    with the same limits, checked in the same order, either way."""
    head = _Head(await _raw_line(reader, first=True))
    buffered = reader._buffer
    end = -2 if buffered.startswith(b"\r\n") else buffered.find(b"\r\n\r\n", 0, MAX_HEAD)
    block = bytes(buffered[: max(end, 0)])
    if end == -1 or block.count(b"\n") != block.count(b"\r\n"):
        while line := await _line(reader):
            head.add(line)
        return head
    try:
        await reader.readexactly(end + 4)  # the headers and the empty line after them
    except OSError as exc:
        raise ReadLost(str(exc)) from exc
    for line in block.split(b"\r\n") if block else ():
        if len(line) + 2 > LINE_LIMIT:
            raise ProtocolError("line too long")
        head.add(line)
    return head


async def read_head(reader: asyncio.StreamReader) -> Response:
    """The status line and headers of the final answer, skipping informational ones."""
    for _ in range(MAX_INTERIM + 1):
        head = await _one_head(reader)
        if head.status >= 200:
            return Response(head.status, tuple(head.headers), head.http10)
        if head.status == 101:
            raise ProtocolError("switching protocols, which was not asked for")
    raise ProtocolError("too many informational answers")


@dataclass(slots=True)
class Framing:
    """How the body of an answer ends, and whether the connection can carry another request."""

    length: int | None
    """Content-Length; None with chunked or close-delimited bodies."""
    chunked: bool
    reusable: bool
    encoding: list[str]
    """Content-Encoding values in lower case, in order."""


_FRAMING = frozenset({"connection", "transfer-encoding", "content-length", "content-encoding"})


def _values(value: str) -> list[str]:
    return [part.strip().lower() for part in value.split(",") if part.strip()]


def framing(response: Response, *, head: bool) -> Framing:
    found: dict[str, list[str]] = {}
    for key, value in response.headers:  # one pass: this runs for every check
        if key in _FRAMING:
            found.setdefault(key, []).extend(_values(value))
    close = "close" in found.get("connection", ())
    # HTTP/1.0 servers close after each answer unless asked otherwise; we never ask.
    keep = not close and not response.http10
    encoding = found.get("content-encoding", [])
    if head or response.status_code in (204, 304):
        return Framing(0, chunked=False, reusable=keep, encoding=encoding)
    codings = found.get("transfer-encoding")
    lengths = set(found.get("content-length", ()))
    if codings:
        if codings != ["chunked"]:
            raise ProtocolError("unsupported transfer coding")
        # Content-Length beside chunked is how requests get smuggled: trust neither connection.
        return Framing(None, chunked=True, reusable=keep and not lengths, encoding=encoding)
    if lengths:
        if len(lengths) > 1:
            raise ProtocolError("conflicting Content-Length")
        (text,) = lengths
        if not text.isdigit() or not text.isascii() or len(text) > 18:
            raise ProtocolError("bad Content-Length")
        return Framing(int(text), chunked=False, reusable=keep, encoding=encoding)
    return Framing(None, chunked=False, reusable=False, encoding=encoding)


async def _read(reader: asyncio.StreamReader, size: int) -> bytes:
    try:
        return await reader.read(size)
    except OSError as exc:
        raise ReadLost(str(exc)) from exc


async def _chunked(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    while True:
        size_text = (await _line(reader)).partition(b";")[0].strip(b" \t")
        if not size_text or len(size_text) > 16 or not _HEX.issuperset(size_text):
            raise ProtocolError("bad chunk size")
        left = int(size_text, 16)
        if left == 0:
            break
        while left:
            piece = await _read(reader, min(left, PIECE))
            if not piece:
                raise ProtocolError("connection closed mid-chunk")
            left -= len(piece)
            yield piece
        if await _line(reader):
            raise ProtocolError("chunk not followed by a line end")
    size = 0
    for _ in range(MAX_HEADERS + 1):
        trailer = await _line(reader)
        if not trailer:
            return
        size += len(trailer)
        if size > MAX_HEAD:
            break
    raise ProtocolError("too many or too large trailers")


async def whole_body(reader: asyncio.StreamReader, length: int) -> bytes | None:
    """A Content-Length body already in the buffer, in one go; None when it is not all there
    yet (the common case of a small answer, without an async generator's cost)."""
    buffered = reader._buffer
    if len(buffered) < length:
        return None
    try:
        return await reader.readexactly(length)
    except asyncio.IncompleteReadError:  # cannot happen with the bytes in the buffer
        raise ProtocolError("connection closed before the end of the body") from None


async def body_pieces(reader: asyncio.StreamReader, frame: Framing) -> AsyncIterator[bytes]:
    """The raw (still compressed) body, piece by piece, to its end as the framing says."""
    if frame.chunked:
        async for piece in _chunked(reader):
            yield piece
        return
    left = frame.length
    if left is None:  # delimited by the server closing the connection
        while piece := await _read(reader, PIECE):
            yield piece
        return
    while left:
        piece = await _read(reader, min(left, PIECE))
        if not piece:
            raise ProtocolError("connection closed before the end of the body")
        left -= len(piece)
        yield piece
