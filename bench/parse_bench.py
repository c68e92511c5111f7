"""Reading one answer: the HTTP checks' own parser (collectors/wire.py) against h11, the
well-kept pure-Python HTTP/1.1 parser httpx uses, on the same bytes: `python -m bench parse`.

Both read an 8-header answer with a 27-byte body from memory, so only parsing is timed (no
socket, no event loop wake-ups). h11 keeps one connection and starts a new cycle each time,
as a pooled client would; its cost includes turning the request into bytes, which our client
does once per check.
"""

from __future__ import annotations

import asyncio
import json
import time

ANSWER = (
    b"HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 18:00:00 GMT\r\nServer: nginx\r\n"
    b"Content-Type: application/json; charset=utf-8\r\nContent-Length: 27\r\n"
    b"Connection: keep-alive\r\nCache-Control: no-store\r\nX-Request-Id: 4f1c2a\r\n\r\n"
    b'{"status":"ok","db":"fine"}'
)


async def _ours(count: int) -> float:
    from onwatch.collectors.wire import STREAM_LIMIT, framing, read_head, whole_body

    started = time.process_time()
    for _ in range(count):
        reader = asyncio.StreamReader(limit=STREAM_LIMIT)
        reader.feed_data(ANSWER)
        response = await read_head(reader)
        frame = framing(response, head=False)
        assert frame.length is not None
        body = await whole_body(reader, frame.length)
        assert body is not None and response.status_code == 200
    return (time.process_time() - started) / count


def _h11(count: int) -> float:
    import h11

    connection = h11.Connection(h11.CLIENT)
    started = time.process_time()
    for _ in range(count):
        connection.send(h11.Request(method="GET", target="/", headers=[("Host", "a")]))
        connection.send(h11.EndOfMessage())
        connection.receive_data(ANSWER)
        body = b""
        while True:
            event = connection.next_event()
            if isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage) or event is h11.NEED_DATA:
                break
        assert body
        connection.start_next_cycle()
    return (time.process_time() - started) / count


def main(count: int = 20_000) -> dict:
    result = {}
    for run in (1, 2):  # alternating, twice each
        result[f"ours_us_run{run}"] = round(1e6 * asyncio.run(_ours(count)), 1)
        result[f"h11_us_run{run}"] = round(1e6 * _h11(count), 1)
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
