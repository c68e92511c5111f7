"""The `onwatch` command: argument parsing and the one place errors become exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn

from onwatch.cli import (
    agent,
    changes,
    drill,
    history,
    incidents,
    notify_test,
    reload_command,
    review_commands,
    run,
    serve,
    silence,
)
from onwatch.cli import config as check_config
from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.engine.clock import Clock, utc_now
from onwatch.incidents import IncidentError, InvalidInput, TransitionError
from onwatch.store import NotFound, StoreError

PROG = "onwatch"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage dump: the message names what is wrong.
        self.exit(Exit.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    # Global options live on a parent parser so they work before or after the subcommand.
    # SUPPRESS keeps a subcommand's unset copy from overwriting a value given earlier.
    common = _Parser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file (default: $ONWATCH_CONFIG, then the user config dir)",
    )
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="incident database (default: $ONWATCH_DB, the config's db, the user data dir)",
    )
    common.add_argument(
        "--connect",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="act through the onwatch server at URL (onwatch serve) instead of a local store",
    )
    common.add_argument(
        "--token-env",
        metavar="VAR",
        default=argparse.SUPPRESS,
        help="the variable holding the token: for --connect (default ONWATCH_TOKEN),"
        " and the one `agent` requires",
    )
    parser = _Parser(
        prog=PROG,
        description="An incident console: watch hosts and services, raise incidents, act on them.",
        parents=[common],
    )
    parser.add_argument("--wall", action="store_true", help="start in wall mode (NOC screens)")
    parser.add_argument(
        "--demo", action="store_true", help="add demo endpoints that fail and recover"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    incidents.register(subparsers, common)
    check_config.register(subparsers, common)
    reload_command.register(subparsers, common)
    run.register(subparsers, common)
    agent.register(subparsers, common)
    silence.register(subparsers, common)
    serve.register(subparsers, common)
    notify_test.register(subparsers, common)
    drill.register(subparsers, common)
    changes.register(subparsers, common)
    review_commands.register_postmortem(subparsers, common, incidents.incident_id)
    history.register_stats(subparsers, common)
    return parser


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    clock: Clock = utc_now,
) -> int:
    args = build_parser().parse_args(argv)
    ctx = Context(args, os.environ if env is None else env, clock)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from onwatch.cli.console import run_console  # textual loads only when the TUI starts

            return run_console(ctx)
        return int(handler(ctx))
    except CliError as exc:
        return _fail(str(exc), exc.code)
    except NotFound as exc:
        return _fail(str(exc), Exit.NOT_FOUND)
    except TransitionError as exc:
        return _fail(str(exc), Exit.NOT_ALLOWED)
    except (InvalidInput, IncidentError) as exc:
        return _fail(str(exc), Exit.USAGE)
    except StoreError as exc:
        return _fail(str(exc), Exit.FAILURE)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `onwatch incidents list | head` closing the pipe early is not an error.
        sys.stderr.close()
        return Exit.OK
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), Exit.FAILURE)


def _fail(message: str, code: int) -> int:
    # Config problems arrive as several "FILE:LINE: key: message" lines, already self-describing.
    for line in message.splitlines() or [""]:
        print(line if ":" in line.split(" ", 1)[0] else f"{PROG}: {line}", file=sys.stderr)
    return code
