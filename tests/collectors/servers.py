"""Real servers on 127.0.0.1 for the collector tests, each in its own thread.

`HttpServer` answers from a table of routes; the others misbehave on purpose: a socket that
accepts nothing, a backlog that is full, a port where nothing listens.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)


Route = Reply | Callable[[BaseHTTPRequestHandler, threading.Event], None]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes

    def do_GET(self) -> None:
        self.server.seen.append((self.path, dict(self.headers), self.client_address[1]))
        route = self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            route = Reply(404, b"no such route")
        if isinstance(route, Reply):
            self.send_response(route.status)
            headers = {"Content-Type": "text/plain", **route.headers}
            headers.setdefault("Content-Length", str(len(route.body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)
        else:
            route(self, self.server.stopping)

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    seen: list[tuple[str, dict[str, str], int]]
    stopping: threading.Event

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-body is what half of these tests are about


class HttpServer:
    """A threaded HTTP (or, given a context, HTTPS) server on a free loopback port."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.routes = {}
        self._server.seen = []
        self._server.stopping = threading.Event()
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def routes(self) -> dict[str, Route]:
        return self._server.routes

    @property
    def seen(self) -> list[tuple[str, dict[str, str], int]]:
        """(path, headers, client port) of every request, in order."""
        return self._server.seen

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> HttpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def trickle(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
    """A response that never ends: a byte a second, each read well inside any read timeout."""
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    try:
        while not stopping.wait(1.0):
            handler.wfile.write(b".")
            handler.wfile.flush()
    except OSError:
        pass  # the client gave up, as it should


def slow(seconds: float, body: bytes = b"ok") -> Route:
    def answer(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        stopping.wait(seconds)
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


class Silent:
    """Accepts TCP connections (the kernel does, from the backlog) and never says a word."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.port = self._sock.getsockname()[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        self._sock.close()


class FullBacklog:
    """A listener whose accept queue is full, so that a new connect hangs (Linux drops the SYN)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=0)
        self.port = self._sock.getsockname()[1]
        self._fillers: list[socket.socket] = []

    def __enter__(self) -> FullBacklog:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            filler = socket.socket()
            filler.settimeout(0.2)
            try:
                filler.connect(("127.0.0.1", self.port))
            except TimeoutError:
                filler.close()
                return self  # the queue is full: the next connect hangs too
            self._fillers.append(filler)
        raise RuntimeError("could not fill the accept queue")

    def __exit__(self, *exc: object) -> None:
        for filler in self._fillers:
            filler.close()
        self._sock.close()


def closed_port() -> int:
    """A port nothing listens on (just released by us)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
