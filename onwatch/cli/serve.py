"""`onwatch serve`: the engine plus the HTTP API (the spec's v1), in one event loop.

SIGTERM or SIGINT stops both: the server stops accepting and ends its streams, then the engine
writes what was decided, all within 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys

from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.reloading import reload_on_sighup, reloader
from onwatch.cli.run import StderrLines
from onwatch.collectors.listen import is_loopback, parse_listen
from onwatch.config.serve import DEFAULT_LISTEN

STOP_BUDGET_SECONDS = 8.5
"""Of the 10 s a stop may take, what the server and the engine may spend together."""


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the engine and serve the HTTP API", parents=[common]
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help=f"address to listen on (default: [serve] listen, else {DEFAULT_LISTEN})",
    )
    parser.set_defaults(handler=run_serve)


def run_serve(ctx: Context) -> int:
    config = ctx.needs("serve")  # an unset token variable: exit 2 naming it
    listen = ctx.args.listen or config.serve.listen or DEFAULT_LISTEN
    try:
        host, port = parse_listen(listen)
    except ValueError as exc:
        raise CliError(str(exc), Exit.USAGE) from None
    if not config.serve.tokens and not is_loopback(host):
        raise CliError(
            f"refusing to serve on {host}:{port} without tokens: add [[serve.tokens]] "
            "to the config, or listen on 127.0.0.1",
            Exit.USAGE,
        )
    for warning in ctx.needs().warnings:
        print(f"warning: {warning}", file=sys.stderr)
    lease = ctx.engine_lease()
    try:
        return _serve(ctx, host, port, lease.holder())
    finally:
        lease.release()


def _serve(ctx: Context, host: str, port: int, holder: object) -> int:
    from onwatch.serve import Token, create_app, serve_forever

    config = ctx.config
    engine = ctx.engine(freeze_at_start=True)
    tokens = [Token(t.name, t.role, t.token) for t in config.serve.tokens]
    here = getattr(holder, "describe", None)
    app = create_app(
        engine,
        tokens=tokens,
        operator=config.operator,
        engine_holder=here() if here else f"pid on {socket.gethostname()}",
        reload=reloader(ctx),
    )
    stderr = StderrLines(sys.stderr)
    logger = logging.getLogger("onwatch")
    logger.addHandler(stderr)

    def ready(address: str) -> None:
        print(f"serving on http://{address}", file=sys.stderr, flush=True)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await engine.start()
        no_more_reloads = reload_on_sighup(ctx, engine)
        stopping_at: list[float] = []

        def closing() -> None:
            stopping_at.append(loop.time())
            app.state.onwatch.end_streams()

        try:
            await serve_forever(app, host, port, stop, ready=ready, closing=closing)
        finally:
            # One promise for the whole process: SIGTERM ends it within 10 s. The server's
            # share is already spent; the engine gets what is left, less a margin to exit.
            spent = loop.time() - stopping_at[0] if stopping_at else 0.0
            try:
                await engine.stop(within=max(1.0, STOP_BUDGET_SECONDS - spent))
            finally:
                no_more_reloads()

    try:
        asyncio.run(main())
    except OSError as exc:
        raise CliError(str(exc)) from None
    finally:
        logger.removeHandler(stderr)
    return Exit.OK
