"""Reading response bodies from untrusted servers without ever holding more than a cap.

Inflating a whole network chunk at a time would let a small gzip bomb become a huge buffer
before any limit can look at it. Here the raw bytes are inflated with a bound on
each step, and reading stops as soon as the cap is passed.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass

MAX_BODY = 1024 * 1024
MAX_BODY_TEXT = "1 MiB"


class UnsupportedEncoding(Exception):
    """The server compressed the body with something we did not offer."""


class CorruptEncoding(Exception):
    """The body does not inflate as the encoding the server named."""


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes
    truncated: bool
    """The body went on past the cap; `data` holds only its first `cap` bytes."""

    def text(self, charset: str | None) -> str:
        try:
            return self.data.decode(charset or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            return self.data.decode("utf-8", errors="replace")


class _Inflater:
    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise UnsupportedEncoding(encoding)

    def feed(self, data: bytes, room: int) -> bytes:
        """At most `room` bytes out of `data`; what does not fit is dropped (we stop anyway)."""
        try:
            return self._z.decompress(data, room)
        except zlib.error:
            raise CorruptEncoding(self.encoding) from None


def _inflater(content_encoding: Sequence[str]) -> _Inflater | None:
    encodings = [part for part in content_encoding if part != "identity"]
    if len(encodings) > 1:
        raise UnsupportedEncoding(", ".join(encodings))
    return _Inflater(encodings[0]) if encodings else None


def capped(raw: bytes, content_encoding: Sequence[str], cap: int = MAX_BODY) -> Body:
    """A body read whole, up to `cap` bytes after decompression."""
    inflater = _inflater(content_encoding)
    data = inflater.feed(raw, cap + 1) if inflater else raw[: cap + 1]
    if len(data) > cap:
        return Body(data[:cap], truncated=True)
    return Body(data, truncated=False)


async def read_capped(
    pieces: AsyncIterable[bytes], content_encoding: Sequence[str], cap: int = MAX_BODY
) -> Body:
    """The body from its raw `pieces`, up to `cap` bytes after decompression.

    `content_encoding` is the header's values in lower case, in order.
    """
    inflater = _inflater(content_encoding)
    chunks: list[bytes] = []
    size = 0
    async for raw in pieces:
        # One byte more than the room left, to tell "exactly the cap" from "over it".
        room = cap - size + 1
        piece = inflater.feed(raw, room) if inflater else raw[:room]
        chunks.append(piece)
        size += len(piece)
        if size > cap:
            return Body(b"".join(chunks)[:cap], truncated=True)
    return Body(b"".join(chunks), truncated=False)
