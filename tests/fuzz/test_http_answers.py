"""Whatever a server sends back, the HTTP checks' client gives an answer or a reason
(FetchFailed), never an unhandled exception: each example is served for real on 127.0.0.1."""

from __future__ import annotations

import asyncio
import ssl
from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from onwatch.collectors.client import Client
from onwatch.collectors.fetch import Fetched, FetchFailed, fetch
from tests.fuzz.budget import fuzz

NAMES = [
    "Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection", "Content-Type",
    "content-length", "X-A", "", " ", "Bad Name", "Set-Cookie",
]  # fmt: skip
VALUES = st.sampled_from(
    ["0", "2", "5", "-1", "1e3", "99999999999999999999", "chunked", "gzip", "deflate",
     "chunked, gzip", "close", "keep-alive", "text/plain; charset=nope", "2, 3", ""]
) | st.text(max_size=20)  # fmt: skip
STATUS = st.sampled_from(
    [b"HTTP/1.1 200 OK", b"HTTP/1.0 200 OK", b"HTTP/1.1 100 Continue", b"HTTP/1.1 204 No",
     b"HTTP/1.1 101 Up", b"HTTP/1.1 999", b"HTTP/2 200", b"HTTP/1.1 2000 X", b"http/1.1 200"]
) | st.binary(max_size=30)  # fmt: skip
ENDING = st.sampled_from([b"\r\n", b"\n", b"\r", b""])
CHUNKS = st.lists(
    st.tuples(
        st.sampled_from([b"0", b"1", b"2", b"ff", b"zz", b"-1", b"2;x=y", b""]),
        st.binary(max_size=8),
    ),
    max_size=4,
).map(lambda chunks: b"".join(size + b"\r\n" + data + b"\r\n" for size, data in chunks))


@st.composite
def answers(draw: st.DrawFn) -> bytes:
    ending = draw(ENDING)
    lines = [draw(STATUS)]
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from(NAMES))
        value = draw(VALUES).encode("utf-8")
        lines.append(name.encode() + b":" + draw(st.sampled_from([b" ", b"", b"  "])) + value)
    head = ending.join(lines) + ending + ending
    body = draw(CHUNKS | st.binary(max_size=40))
    tail = draw(st.sampled_from([b"", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]))
    return head + body + tail


async def _serve_once(answer: bytes) -> Fetched | FetchFailed:
    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(reply, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    # An empty trust store: these are plain-HTTP exchanges, and loading the system's
    # authorities for each example would be most of its cost.
    async with server, Client(trusted=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)) as client:
        url = f"http://127.0.0.1:{port}/"
        try:
            # Twice: the second request finds whatever the first left on a kept connection.
            await fetch(client, url, within=timedelta(seconds=5), now=datetime.now(UTC), cap=64)
            return await fetch(
                client, url, within=timedelta(seconds=5), now=datetime.now(UTC), cap=64
            )
        except FetchFailed as failed:
            return failed


def _check(answer: bytes) -> None:
    outcome = asyncio.run(_serve_once(answer))
    if isinstance(outcome, FetchFailed):
        assert str(outcome)  # a reason an incident title can carry
        assert not str(outcome).startswith("timeout")  # the server closed: no waiting needed
    else:
        assert 100 <= outcome.response.status_code <= 999
        assert len(outcome.body.data) <= 64


@fuzz(60)
@given(answers())
@example(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab")
@example(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope")
@example(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=nope\r\n\r\n\xff\xfe")
def test_any_structured_answer_gives_a_response_or_a_reason(answer: bytes) -> None:
    _check(answer)


@fuzz(40)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_response_or_a_reason(answer: bytes) -> None:
    _check(answer)
