"""Agents and exporters that misbehave, polled by a real engine with its real collectors over
real loopback sockets: slow past the deadline, hanging, dropping the connection midway, sending
100 MiB, invalid UTF-8 or JSON of the wrong shape. Each becomes an error sample (an incident
naming why), the well-behaved check beside them keeps reporting, and the engine's memory does
not take the 100 MiB. (The payload-by-payload cases are in tests/collectors/test_hostile.py.)"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil
import pytest

from onwatch.collectors.specs import AgentCheck, PrometheusCheck
from onwatch.engine import Engine, EngineOptions, EngineSettings, Watch
from onwatch.engine.clock import utc_now
from onwatch.engine.events import CheckRan
from onwatch.engine.notifying import Notifications
from onwatch.engine.specs import NotifySettings
from onwatch.store import IncidentStore
from tests.engine.conftest import wait_for

MIB = 1024 * 1024
GOOD_PAGE = b"node_load1 0.5\n"


def hostile_routes(
    stopping: threading.Event,
) -> dict[str, Callable[[BaseHTTPRequestHandler], None]]:
    def head(handler: BaseHTTPRequestHandler, length: int, kind: str = "application/json") -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(length))
        handler.end_headers()

    def hang(handler):
        stopping.wait(60)

    def slow(handler):
        stopping.wait(3)  # past the 1 s timeout, then a good answer nobody waits for
        if not stopping.is_set():
            head(handler, len(GOOD_PAGE), "text/plain")
            handler.wfile.write(GOOD_PAGE)

    def drop(handler):
        head(handler, 100_000)
        handler.wfile.write(b'{"host": "db1", "metr')
        handler.wfile.flush()
        handler.connection.shutdown(2)

    def huge(handler):
        head(handler, 100 * MIB, "text/plain")
        chunk = b"node_load1 1\n" * 5000
        sent = 0
        try:
            while sent < 100 * MIB and not stopping.is_set():
                handler.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the poller stopped reading: what it should do

    def bad_utf8(handler):
        body = b'{"host": "db1", "at": "2026-01-02T03:04:05Z", "metrics": {"cpu\xff\xfe": 1}}'
        head(handler, len(body))
        handler.wfile.write(body)

    def wrong_shape(handler):
        body = json.dumps({"host": ["db1"], "metrics": [["cpu", 1]]}).encode()
        head(handler, len(body))
        handler.wfile.write(body)

    def good(handler):
        head(handler, len(GOOD_PAGE), "text/plain")
        handler.wfile.write(GOOD_PAGE)

    return {
        "hang": hang, "slow": slow, "drop": drop, "huge": huge,
        "bad-utf8": bad_utf8, "wrong-shape": wrong_shape, "good": good,
    }  # fmt: skip


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a hostile answer is the point, not news


@pytest.fixture
def hostile() -> Iterator[dict[str, str]]:
    """One real server per behaviour (an agent's URL path is always /v1/sample): name -> URL."""
    stopping = threading.Event()
    servers = []
    urls = {}
    for name, route in hostile_routes(stopping).items():

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self, route=route) -> None:
                route(self)

            def log_message(self, *args: object) -> None:
                pass

        server = _Quiet(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}"
    yield urls
    stopping.set()
    for server in servers:
        server.shutdown()
        server.server_close()


def test_hostile_agents_and_exporters_are_error_samples_and_the_engine_unharmed(
    hostile: dict[str, str], tmp_path
) -> None:
    timeout = timedelta(seconds=1)
    every = timedelta(seconds=1)
    probes = [
        PrometheusCheck("exp-hang", hostile["hang"], timeout=timeout),
        PrometheusCheck("exp-slow", hostile["slow"], timeout=timeout),
        PrometheusCheck("exp-drop", hostile["drop"], timeout=timeout),
        PrometheusCheck("exp-huge", hostile["huge"], timeout=timeout),
        AgentCheck("agent-hang", hostile["hang"], timeout=timeout),
        AgentCheck("agent-drop", hostile["drop"], timeout=timeout),
        AgentCheck("agent-utf8", hostile["bad-utf8"], timeout=timeout),
        AgentCheck("agent-shape", hostile["wrong-shape"], timeout=timeout),
        PrometheusCheck("exp-good", hostile["good"], timeout=timeout),
    ]
    hostile_names = {p.name for p in probes} - {"exp-good"}
    store = IncidentStore(tmp_path / "incidents.json")
    notify = NotifySettings(desktop=False)
    engine = Engine(
        EngineSettings(
            watches=tuple(Watch(probe=p, interval=every) for p in probes), notify=notify
        ),
        store,
        operator="dana",
        options=EngineOptions(),
        notifications=Notifications(notify, utc_now),
    )
    ran: dict[str, int] = {}

    def count(event: object) -> None:
        if isinstance(event, CheckRan):
            ran[event.check] = ran.get(event.check, 0) + 1

    engine.subscribe(count)
    rss_before = psutil.Process().memory_info().rss

    async def main() -> None:
        await engine.start()
        try:
            await wait_for(lambda: {i.check for i in store.unclosed()} >= hostile_names, within=60)
            good = ran.get("exp-good", 0)
            await wait_for(lambda: ran.get("exp-good", 0) >= good + 3, within=30)
            assert all(task.done() is False for task in engine._tasks)
        finally:
            await engine.stop()

    started = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - started < 90
    by_check = {i.check: i for i in store.unclosed()}
    assert "exp-good" not in by_check
    reasons = {
        "exp-hang": "timeout after 1s", "exp-slow": "timeout after 1s",
        "exp-drop": "protocol error", "exp-huge": "bad data: body over 1 MiB",
        "agent-hang": "timeout after 1s", "agent-drop": "protocol error",
        "agent-utf8": "bad data: body is not JSON", "agent-shape": "bad data: host is missing",
    }  # fmt: skip
    for name, reason in reasons.items():
        assert by_check[name].title.startswith(f"{name}: {reason}"), by_check[name].title
    assert psutil.Process().memory_info().rss - rss_before < 60 * MIB
