"""A real HTTP server on 127.0.0.1 that counts GETs: a dead man's switch standing in."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class PingReceiver:
    def __init__(self) -> None:
        self.times: list[float] = []
        """time.monotonic() of each ping received."""
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                receiver.times.append(time.monotonic())
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/ping/secret-switch-id"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    @property
    def count(self) -> int:
        return len(self.times)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
