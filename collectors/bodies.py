"""Reading response bodies from untrusted servers without ever holding more than a cap.

httpx inflates compressed bodies a whole network chunk at a time, so a small gzip bomb becomes
a huge buffer before any limit can look at it. Here the raw bytes are inflated with a bound on
each step, and reading stops as soon as the cap is passed.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import httpx

MAX_BODY = 1024 * 1024
MAX_BODY_TEXT = "1 MiB"


class UnsupportedEncoding(Exception):
    """The server compressed the body with something we did not offer."""


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes
    truncated: bool
    """The body went on past the cap; `data` holds only its first `cap` bytes."""

    def text(self, response: httpx.Response) -> str:
        charset = response.charset_encoding or "utf-8"
        try:
            return self.data.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.data.decode("utf-8", errors="replace")


class _Inflater:
    def __init__(self, encoding: str) -> None:
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise UnsupportedEncoding(encoding)

    def feed(self, data: bytes, room: int) -> bytes:
        """At most `room` bytes out of `data`; what does not fit is dropped (we stop anyway)."""
        return self._z.decompress(data, room)


async def read_capped(response: httpx.Response, cap: int = MAX_BODY) -> Body:
    """The body of a streamed response, up to `cap` bytes after decompression."""
    encodings = [
        part.strip().lower()
        for part in response.headers.get("content-encoding", "").split(",")
        if part.strip() and part.strip().lower() != "identity"
    ]
    if len(encodings) > 1:
        raise UnsupportedEncoding(", ".join(encodings))
    inflater = _Inflater(encodings[0]) if encodings else None
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        # One byte more than the room left, to tell "exactly the cap" from "over it".
        room = cap - size + 1
        piece = inflater.feed(raw, room) if inflater else raw[:room]
        chunks.append(piece)
        size += len(piece)
        if size > cap:
            return Body(b"".join(chunks)[:cap], truncated=True)
    return Body(b"".join(chunks), truncated=False)
