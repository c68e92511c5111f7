"""A real HTTP server on 127.0.0.1 standing in for a webhook (apprise's json://)."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    payload: dict


class Receiver:
    """A real HTTP server on 127.0.0.1; answers with scripted statuses, then 200."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.statuses: deque[int] = deque()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                receiver.requests.append(Received(self.path, dict(self.headers), payload))
                status = receiver.statuses.popleft() if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str = "hook", *, credentials: str = "", query: str = "") -> str:
        auth = f"{credentials}@" if credentials else ""
        return f"json://{auth}127.0.0.1:{self.port}/{path}" + (f"?{query}" if query else "")

    def on(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path.split("?")[0] == f"/{path}"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
