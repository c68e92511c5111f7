"""`onwatch agent`: serve this host's sample over HTTP for a remote onwatch to poll."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.collectors.specs import AGENT_LISTEN


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "agent", help="serve this host's sample at GET /v1/sample", parents=[common]
    )
    parser.add_argument(
        "--listen",
        default=AGENT_LISTEN,
        metavar="HOST:PORT",
        help=f"address to listen on (default {AGENT_LISTEN})",
    )
    # --token-env VAR (a global option, shared with --connect): require `Authorization: Bearer
    # <token>`, the token read from VAR. Without it the agent asks for no token.
    parser.set_defaults(handler=run_agent)


def run_agent(ctx: Context) -> int:
    from onwatch.collectors.agent_server import serve

    token = None
    variable = getattr(ctx.args, "token_env", None)
    if variable:
        token = ctx.env.get(variable)
        if not token:
            raise CliError(f"environment variable {variable} is not set", Exit.USAGE)

    def ready(address: str) -> None:
        # The token itself is never printed.
        print(f"onwatch agent serving http://{address}/v1/sample", file=sys.stderr, flush=True)

    async def main() -> None:
        task = asyncio.create_task(serve(ctx.args.listen, token, ready=ready))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    try:
        asyncio.run(main())
    except ValueError as exc:
        raise CliError(str(exc), Exit.USAGE) from None
    return Exit.OK
