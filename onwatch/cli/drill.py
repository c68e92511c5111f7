"""`onwatch drill [CHECK] [--severity critical|warning] [--for 10m] [--json]`: a practice
incident that pages, escalates and resolves by itself like a real one, DRILL in its title.

The engine (whichever process holds it on this store) sends and escalates it; without one
running the drill waits in the store until one starts.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.render import print_json
from onwatch.incidents import Incident, Severity
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.timefmt import format_duration, parse_duration
from onwatch.store.lease import EngineLease


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    drill = subparsers.add_parser(
        "drill",
        help="practise: a DRILL incident that pages and resolves by itself",
        parents=[common],
    )
    drill.add_argument("check", nargs="?", help="a configured check (default: source drill)")
    drill.add_argument(
        "--severity",
        choices=[Severity.CRITICAL.value, Severity.WARNING.value],
        default=Severity.CRITICAL.value,
    )
    drill.add_argument(
        "--for",
        dest="lasting",
        type=_duration,
        default=timedelta(minutes=10),
        metavar="DURATION",
        help="resolves by itself after this long (default 10m)",
    )
    drill.add_argument("--by", help="who runs the drill (default: the configured operator)")
    drill.add_argument("--json", action="store_true", help="the incident as JSON")
    drill.set_defaults(handler=run_drill)


def _duration(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_drill(ctx: Context) -> int:
    args = ctx.args
    if getattr(args, "connect", None):
        if args.by:
            raise CliError(
                "--by cannot be used with --connect: the server names the token", Exit.USAGE
            )
        from onwatch.cli.remote import RemoteClient, token_from

        client = RemoteClient(args.connect, token_from(ctx))
        incident = client.drill(args.check, severity=args.severity, lasting=args.lasting)
        _show(incident, args)
        return 0
    source = check = None
    if args.check:
        config = ctx.needs()
        found = {watch.name: watch for watch in config.watches}
        watch = found.get(args.check)
        if watch is None:
            known = ", ".join(found) or "none configured"
            raise CliError(f"no check {args.check!r} (checks: {known})", Exit.USAGE)
        source, check = watch.source, watch.name
    change = ctx.operations.drill(
        source=source,
        check=check,
        severity=Severity(args.severity),
        lasting=args.lasting,
        by=args.by,
    )
    _show(change.incident, args)
    if EngineLease(ctx.store.path).holder() is None:
        print(
            "note: no engine runs on this store; the drill is sent once one starts",
            file=sys.stderr,
        )
    return 0


def _show(incident: Incident, args: argparse.Namespace) -> None:
    if args.json:
        print_json(incident_to_dict(incident))
    else:
        print(
            f"opened #{incident.id} {incident.priority.value}: {incident.title}; "
            f"resolves by itself after {format_duration(args.lasting)}"
        )
