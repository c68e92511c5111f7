"""A stream that goes silent is dead after `dead_after` seconds (45 by default: three of the
server's 15 s pings missed): the console keeps its picture under a banner saying how long ago
it last heard, and reconnects. Pings keep a quiet stream alive. A real HTTP server on
127.0.0.1 that sends its hello and then nothing, with a short `dead_after` instead of 45 s."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from onwatch.engine import api
from onwatch.remote.backend import BANNER_KEY, RemoteBackend

HELLO = {"name": "dana", "role": "operator", "statuses": [], "engine": "pid 7 on noc-1"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Quiet(ThreadingHTTPServer):
    daemon_threads = True
    ping_every: float | None = None
    """None: silent after the hello; else a `: ping` every so many seconds."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.streams = 0
        self.done = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Quiet

    def do_GET(self) -> None:
        if self.path.startswith("/v1/events"):
            self.server.streams += 1
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(f"event: hello\ndata: {json.dumps(HELLO)}\n\n".encode())
            self.wfile.flush()
            every = self.server.ping_every
            while not self.server.done.wait(every if every is not None else 0.2):
                if every is not None:
                    try:
                        self.wfile.write(b": ping\n\n")
                        self.wfile.flush()
                    except OSError:
                        return
            return
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def quiet() -> Iterator[Quiet]:
    server = Quiet()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.done.set()
        server.shutdown()
        server.server_close()


async def until(condition, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


def test_the_console_waits_45_seconds_of_silence_by_default() -> None:
    assert RemoteBackend("http://127.0.0.1:9", "t0k").dead_after == 45.0


async def test_a_silent_stream_is_declared_dead_shown_with_its_age_and_reconnected(
    quiet: Quiet, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    backend = RemoteBackend(quiet.url, "t0k", clock=clock, dead_after=0.5, backoff_first=0.05)
    seen: list[api.BackendEvent] = []
    backend.subscribe(seen.append)
    banners = lambda: [e.text for e in seen if isinstance(e, api.StatusUpdate)]  # noqa: E731
    caplog.set_level(logging.WARNING, "onwatch.remote")
    await backend.start()
    try:
        assert backend.connected
        # Heard at 09:00 by the console's clock; the silence is measured in real seconds.
        clock.now += timedelta(seconds=45)
        await until(lambda: any(banners()))
        (banner, *_) = banners()
        assert banner == (
            "server unreachable: last heard 45s ago, reconnecting (what is shown may be old)"
        )
        assert any("lost: no word for 0.5s" in r.getMessage() for r in caplog.records)
        # It reconnects by itself, re-reads everything and takes the banner down.
        await until(lambda: None in banners())
        assert quiet.streams >= 2
        assert banners().index(None) > banners().index(banner)
        assert any(isinstance(e, api.IncidentsReplaced) for e in seen)
    finally:
        await backend.stop()


async def test_pings_keep_a_quiet_stream_alive(quiet: Quiet) -> None:
    quiet.ping_every = 0.1
    backend = RemoteBackend(quiet.url, "t0k", dead_after=1.5, backoff_first=0.05)
    seen: list[api.BackendEvent] = []
    backend.subscribe(seen.append)
    await backend.start()
    try:
        # Nothing may happen, so nothing can be waited for: watch for over twice dead_after.
        await asyncio.sleep(4.0)
        assert backend.connected
        assert quiet.streams == 1
        assert not [e for e in seen if isinstance(e, api.StatusUpdate) and e.key == BANNER_KEY]
    finally:
        await backend.stop()
