"""`onwatch --demo`: local endpoints that fail and recover on a one-minute cycle.

A newcomer sees incidents open, upgrade and resolve in the first minute without writing any
config. The endpoints listen on 127.0.0.1 only, in a background thread.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from onwatch.collectors.specs import HttpCheck
from onwatch.engine.specs import Watch
from onwatch.incidents import Category, Threshold

CYCLE_SECONDS = 60.0
INTERVAL = timedelta(seconds=2)


def _phase(started: float) -> float:
    return (time.monotonic() - started) % CYCLE_SECONDS


class _DemoHandler(BaseHTTPRequestHandler):
    started = time.monotonic()

    def do_GET(self) -> None:
        phase = _phase(self.started)
        if self.path == "/web":
            # Down for 20 seconds of every minute.
            self._reply(503 if 30 <= phase < 50 else 200, "ok")
        elif self.path == "/api":
            # Slow for a third of the minute.
            if 15 <= phase < 35:
                time.sleep(1.5)
            self._reply(200, '{"status": "ok"}')
        elif self.path == "/shop":
            # Serves a maintenance page instead of the shop for 15 seconds.
            self._reply(200, "maintenance" if 5 <= phase < 20 else "ok: shop open")
        else:
            self._reply(404, "not found")

    def _reply(self, status: int, body: str) -> None:
        payload = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo must not scribble over the console."""


def start_demo() -> tuple[ThreadingHTTPServer, tuple[Watch, ...]]:
    """Start the endpoints; return the server (call shutdown() to stop) and their watches."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DemoHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="onwatch-demo", daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    latency = Threshold(warning=1.0, critical=3.0, unit="s", category=Category.LATENCY)
    watches = (
        Watch(
            probe=HttpCheck(name="demo-web", url=f"{base}/web", timeout=timedelta(seconds=5)),
            interval=INTERVAL,
        ),
        Watch(
            probe=HttpCheck(name="demo-api", url=f"{base}/api", timeout=timedelta(seconds=5)),
            interval=INTERVAL,
            rules={"latency": latency},
        ),
        Watch(
            probe=HttpCheck(
                name="demo-shop",
                url=f"{base}/shop",
                body_contains="ok",
                timeout=timedelta(seconds=5),
            ),
            interval=INTERVAL,
        ),
    )
    return server, watches
