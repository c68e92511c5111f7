"""An answer's head reads the same whether it arrives whole (read in one go from the buffer)
or a few bytes at a time (read line by line): same status and headers, same failure."""

from __future__ import annotations

import asyncio

import pytest

from onwatch.collectors.wire import LINE_LIMIT, MAX_HEADERS, STREAM_LIMIT, ProtocolError, read_head

HEADS = {
    "plain": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok",
    "http/1.0": b"HTTP/1.0 204 No Content\r\nServer: old\r\n\r\n",
    "bare LF": b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
    "one bare LF among CRLFs": b"HTTP/1.1 200 OK\r\nA: 1\nB: 2\r\n\r\nok",
    "informational first": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX: y\r\n\r\nok",
    "CR before CRLF": b"HTTP/1.1 200 OK\r\r\nA: 1\r\n\r\n",
    "CR inside a value": b"HTTP/1.1 200 OK\r\nA: 1\r2\r\n\r\n",
    "CR ending a value": b"HTTP/1.1 200 OK\r\nA: 1\r\r\n\r\n",
    "malformed then too long": b"HTTP/1.1 200 OK\r\nno colon\r\nB: "
    + b"x" * LINE_LIMIT
    + b"\r\n\r\n",
    "header line too long": b"HTTP/1.1 200 OK\r\nA: " + b"x" * LINE_LIMIT + b"\r\n\r\n",
    "status line too long": b"HTTP/1.1 200 " + b"x" * LINE_LIMIT + b"\r\n\r\n",
    "too many headers": b"HTTP/1.1 200 OK\r\n" + b"A: 1\r\n" * (MAX_HEADERS + 1) + b"\r\n",
    "too large": b"HTTP/1.1 200 OK\r\n" + (b"A: " + b"x" * 8000 + b"\r\n") * 9 + b"\r\n",
    "switching protocols": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
    "not HTTP": b"SSH-2.0-OpenSSH\r\n\r\n",
    "empty first line": b"\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
    "closed mid-head": b"HTTP/1.1 200 OK\r\nA: 1\r\n",
}


async def _outcome(reader: asyncio.StreamReader) -> tuple[object, bytes]:
    try:
        response = await read_head(reader)
    except ProtocolError as exc:
        # What was read before a failure does not matter: the connection is dropped.
        return f"{type(exc).__name__}: {exc}", b""
    return response, await reader.read()


async def _whole(data: bytes) -> tuple[object, bytes]:
    reader = asyncio.StreamReader(limit=STREAM_LIMIT)
    reader.feed_data(data)
    reader.feed_eof()
    return await _outcome(reader)


async def _trickled(data: bytes) -> tuple[object, bytes]:
    reader = asyncio.StreamReader(limit=STREAM_LIMIT)
    reading = asyncio.create_task(_outcome(reader))
    for start in range(0, len(data), 3):
        reader.feed_data(data[start : start + 3])
        await asyncio.sleep(0)
    reader.feed_eof()
    return await reading


@pytest.mark.parametrize("data", HEADS.values(), ids=HEADS.keys())
async def test_a_head_reads_the_same_whole_or_trickled(data: bytes) -> None:
    assert await _whole(data) == await _trickled(data)


async def test_a_head_read_whole_leaves_the_body_in_the_buffer() -> None:
    response, left = await _whole(HEADS["plain"])
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.header("content-type") == "text/plain"  # type: ignore[attr-defined]
    assert left == b"ok"
