"""`onwatch reload [--json]`: make the running engine read its config file again.

With `--connect URL` it asks that server (`POST /v1/config/reload`, an operator token). Without,
it signals the process that runs the engine on this store: the engine lease names its pid, and
the record a `run --headless` or `serve` keeps beside the lease says that process reloads on
SIGHUP (a console holding the lease would end on it, so it is never signalled) and, once the
reload is done, what it came to. Either way the answer is the engine's own: applied with what
changed, or rejected with every problem, one line each, and the running config kept.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.paths import resolve_db_path
from onwatch.cli.render import print_json
from onwatch.store.lease import EngineLease, reload_record_path

ANSWER_WITHIN = 30.0
"""How long the engine may take to read and apply its config before the command gives up."""
POLL = 0.05
MAX_RECORD_BYTES = 256 * 1024
MAX_PROBLEMS = 100
MAX_LINE = 1000


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "reload",
        help="make the running engine (run --headless, serve) read its config again",
        parents=[common],
    )
    parser.add_argument("--json", action="store_true", help="the outcome as JSON")
    parser.set_defaults(handler=reload_command)


def outcome_of(data: Any) -> dict[str, Any]:
    """A reload's outcome as the API answers it and the record holds it, every field checked
    (it comes from another process, or another machine)."""
    if not isinstance(data, dict):
        raise ValueError("the outcome is not an object")
    applied, summary, problems = data.get("applied"), data.get("summary"), data.get("problems")
    if not isinstance(applied, bool) or not isinstance(summary, str):
        raise ValueError("the outcome needs applied and summary")
    if not isinstance(problems, list) or not all(isinstance(p, str) for p in problems):
        raise ValueError("problems must be a list of text")
    lines = [_line(p) for p in problems[:MAX_PROBLEMS]]
    return {"applied": applied and not lines, "summary": _line(summary), "problems": lines}


def _line(text: str) -> str:
    return " ".join(text.split())[:MAX_LINE]


def reload_command(ctx: Context) -> int:
    url = getattr(ctx.args, "connect", None)
    if url is not None:
        from onwatch.cli.remote import RemoteClient, token_from

        outcome = RemoteClient(url, token_from(ctx)).reload_config()
    else:
        outcome = _signal_local(_store_path(ctx))
    if ctx.args.json:
        print_json(outcome)
    elif outcome["applied"]:
        print(outcome["summary"])
    else:
        print(outcome["summary"], file=sys.stderr)
        for problem in outcome["problems"]:
            print(problem, file=sys.stderr)
    # Rejected is what a bad config always gives: exit 2, as check-config does.
    return Exit.OK if outcome["applied"] else Exit.USAGE


def _store_path(ctx: Context) -> Path:
    # --db or $ONWATCH_DB name the store without reading the config: a broken config is
    # for the engine to reject, with its own problems.
    explicit = getattr(ctx.args, "db", None)
    if explicit or ctx.env.get("ONWATCH_DB"):
        return resolve_db_path(explicit, ctx.env, None)
    return ctx.db_path


def _signal_local(store: Path) -> dict[str, Any]:
    holder = EngineLease(store).holder()
    if holder is None:
        raise CliError(
            f"no onwatch engine runs on {store}: nothing to reload"
            " (start `onwatch run --headless` or `onwatch serve`, or use --connect URL)",
            Exit.NOT_FOUND,
        )
    if holder.host and holder.host != socket.gethostname():
        raise CliError(
            f"the engine on {store} runs on {holder.host}: reload it there, or use --connect URL",
            Exit.NOT_ALLOWED,
        )
    path = reload_record_path(store)
    before = _read_record(path)
    if before is None or before[0] != holder.pid or holder.pid <= 0 or holder.pid == os.getpid():
        raise CliError(
            f"the engine on {store} ({holder.describe()}) does not take SIGHUP as a reload:"
            " in a console, press ctrl+r there",
            Exit.NOT_ALLOWED,
        )
    pid, seq, _ = before
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        raise CliError(
            f"no onwatch engine runs on {store}: pid {pid} has ended", Exit.NOT_FOUND
        ) from None
    except PermissionError:
        message = f"not allowed to signal pid {pid}: it is another user's"
        raise CliError(message, Exit.NOT_ALLOWED) from None
    deadline = time.monotonic() + ANSWER_WITHIN
    while time.monotonic() < deadline:
        time.sleep(POLL)
        now = _read_record(path)
        if now is None or now[0] != pid:
            raise CliError(f"the engine (pid {pid}) ended before it answered")
        if now[1] > seq and now[2] is not None:
            return now[2]
    raise CliError(f"the engine (pid {pid}) did not answer within {ANSWER_WITHIN:g}s")


def _read_record(path: Path) -> tuple[int, int, dict[str, Any] | None] | None:
    """(pid, seq, outcome of the latest reload or None), or None when there is no record."""
    try:
        with path.open("rb") as file:
            data = json.loads(file.read(MAX_RECORD_BYTES))
    except (OSError, ValueError):  # none, or not one this command can trust
        return None
    if not isinstance(data, dict):
        return None
    pid, seq = data.get("pid"), data.get("seq")
    if not isinstance(pid, int) or not isinstance(seq, int) or isinstance(pid, bool):
        return None
    try:
        outcome = outcome_of(data) if "applied" in data else None
    except ValueError:
        outcome = None
    return pid, seq, outcome
