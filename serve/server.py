"""uvicorn in the engine's event loop, under onwatch's signal handling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Generator

import uvicorn
from starlette.applications import Starlette

from onwatch.serve.protocol import DeadlineH11Protocol

MAX_CONNECTIONS = 1024
"""Connections and requests in progress; beyond it uvicorn answers 503 at once."""
KEEP_ALIVE_SECONDS = 5
MAX_HEAD_BYTES = 16 * 1024
"""The most a request line and headers may take (h11 answers 431/400 past it)."""
STOP_SECONDS = 2.0
"""How long requests under way get at shutdown (event streams are ended first, by the caller's
`closing`); the engine gets the rest of the 10 seconds a stop may take."""


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: onwatch's stop the server and the engine
    together, and uvicorn's would re-raise SIGTERM after shutdown and kill the process."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def build_server(app: Starlette, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=DeadlineH11Protocol,
        lifespan="off",
        # Quiet, and no access log: nothing of a request reaches a log line.
        log_config=None,
        log_level=logging.WARNING,
        access_log=False,
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=int(STOP_SECONDS),
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        limit_concurrency=MAX_CONNECTIONS,
        ws="none",
    )
    return _Server(config)


def bound_address(server: uvicorn.Server) -> str:
    sock = server.servers[0].sockets[0]
    host, port = sock.getsockname()[:2]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def serve_forever(
    app: Starlette,
    host: str,
    port: int,
    stop: asyncio.Event,
    *,
    ready: Callable[[str], None] | None = None,
    closing: Callable[[], None] | None = None,
) -> None:
    """Serve until `stop` is set. Raises OSError when the address cannot be bound.

    `ready` receives the address actually bound (useful with port 0); `closing` is called
    when the server begins to stop (to end the responses that never end by themselves).
    """
    server = build_server(app, host, port)
    task = asyncio.create_task(server.serve(), name="http server")
    try:
        while not server.started:
            if task.done():
                break
            await asyncio.sleep(0.02)
        if task.done() or not server.started:
            # uvicorn logs the bind error and exits its task with SystemExit.
            with contextlib.suppress(BaseException):
                task.result()
            raise OSError(f"could not listen on {host}:{port}")
        if ready is not None:
            ready(bound_address(server))
        await stop.wait()
    finally:
        server.should_exit = True
        if closing is not None:
            closing()
        try:
            async with asyncio.timeout(STOP_SECONDS + 0.5):
                await task
        except (TimeoutError, SystemExit, asyncio.CancelledError):
            task.cancel()
