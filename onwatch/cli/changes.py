"""`onwatch change add|list`: recent changes (a deploy, a config edit, a reboot), the first
thing to suspect when something breaks.

    onwatch change add "deployed api v2.3" [--source api] [--by NAME] [--json]
    onwatch change list [--since 7d] [--json]

Kept in `changes.json` beside the incidents database. With `--json`, `add` prints one change
and `list` an array of them, oldest first:

    {"id": 4, "at": "2026-11-27T05:49:17Z", "text": "deployed api v2.3", "source": "api", "by": "dana"}
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from onwatch.cli.backends import changes_for
from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.render import columns, print_json
from onwatch.incidents.changes import RecordedChange, change_to_dict
from onwatch.incidents.timefmt import parse_duration, to_iso

DEFAULT_SINCE = "7d"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "change", help="record and list recent changes (deploys, config edits)", parents=[common]
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="record a change", parents=[common])
    add.add_argument("text", help="what changed")
    add.add_argument(
        "--source", default="", metavar="NAME", help="what it changed (a host, a service)"
    )
    add.add_argument(
        "--by", help="who made it (default: the configured operator; not with --connect)"
    )
    add.add_argument("--json", action="store_true", help="the change as JSON")
    add.set_defaults(handler=add_change)

    listing = actions.add_parser("list", help="list recent changes, oldest first", parents=[common])
    listing.add_argument(
        "--since",
        default=DEFAULT_SINCE,
        metavar="AGE",
        help="how far back (default 7d; e.g. 2h, 30d)",
    )
    listing.add_argument("--json", action="store_true", help="a JSON array of changes")
    listing.set_defaults(handler=list_changes)


def add_change(ctx: Context) -> int:
    change = changes_for(ctx).add_change(ctx.args.text, source=ctx.args.source)
    if ctx.args.json:
        print_json(change_to_dict(change))
    else:
        print(f"change #{change.id} recorded: {change.text}")
    return 0


def list_changes(ctx: Context) -> int:
    age = since_age(ctx.args.since)
    found = changes_for(ctx).list_changes(ctx.clock() - age)
    if ctx.args.json:
        print_json([change_to_dict(c) for c in found])
    else:
        print(change_table(found))
    return 0


def since_age(text: str) -> timedelta:
    try:
        age = parse_duration(text)
    except ValueError:
        raise CliError(f"--since takes an age such as 2h or 7d, got {text!r}", Exit.USAGE) from None
    if age <= timedelta(0) or age > timedelta(days=36500):
        raise CliError(f"--since takes an age such as 2h or 7d, got {text!r}", Exit.USAGE)
    return age


def change_table(found: list[RecordedChange]) -> str:
    if not found:
        return "no changes"
    rows = [("ID", "AT", "SOURCE", "BY", "CHANGE")]
    rows += [(str(c.id), to_iso(c.at), c.source or "-", c.by or "-", c.text) for c in found]
    return columns(rows)
