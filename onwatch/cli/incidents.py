"""`onwatch incidents ...`: list, show and act on incidents from a shell or a script."""

from __future__ import annotations

import argparse
import sys

from onwatch.cli import history, people_commands, review_commands
from onwatch.cli.backends import Page, incidents_for
from onwatch.cli.context import Context
from onwatch.cli.render import action_line, incident_table, print_json
from onwatch.cli.shown import print_incident
from onwatch.incidents.codec import incident_to_dict

STATE_CHOICES = ("triggered", "acknowledged", "resolved", "closed", "open", "all")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "incidents", help="list, show and act on incidents", parents=[common]
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list incidents", parents=[common])
    listing.add_argument("--state", choices=STATE_CHOICES, default="open")
    listing.add_argument(
        "--mine",
        action="store_true",
        help="only those you own (the configured operator, or the token's name with --connect)",
    )
    listing.add_argument("--json", action="store_true", help="a JSON array of incidents")
    listing.add_argument(
        "--limit",
        type=limit_arg,
        metavar="N",
        help=f"the newest N (default {DEFAULT_LIMIT} with --state all or closed; 0: every one)",
    )
    listing.add_argument(
        "--since",
        type=history.since_arg,
        metavar="DURATION",
        help="only those opened in the last DURATION",
    )
    listing.add_argument(
        "--before", type=incident_id, metavar="ID", help="only ids below ID: the next page"
    )
    listing.set_defaults(handler=list_incidents)

    show = actions.add_parser("show", help="one incident with its timeline", parents=[common])
    show.add_argument("id", type=incident_id)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_incident)

    for name, help_text in (
        ("ack", "acknowledge: somebody is on it"),
        ("escalate", "raise the escalation level"),
        ("close", "close for good (after review)"),
        ("reopen", "bring a resolved or closed incident back"),
    ):
        action = actions.add_parser(name, help=help_text, parents=[common])
        action.add_argument("id", type=incident_id)
        action.add_argument("--note", default="", help="a note for the timeline")
        action.add_argument(
            "--by", help="who acts (default: the configured operator; not with --connect)"
        )
        action.add_argument("--json", action="store_true")
        action.set_defaults(handler=act, verb=name)
        if name == "escalate":
            action.add_argument("--to", metavar="ROLE", help="hand over to this role")

    note = actions.add_parser("note", help="add a note to the timeline", parents=[common])
    note.add_argument("id", type=incident_id)
    note.add_argument("text")
    note.add_argument("--by")
    note.add_argument("--json", action="store_true")
    note.set_defaults(handler=act, verb="note")

    priority = actions.add_parser("priority", help="override the priority", parents=[common])
    priority.add_argument("id", type=incident_id)
    priority.add_argument("priority", type=str.upper, choices=["P1", "P2", "P3", "P4", "P5"])
    priority.add_argument("--note", default="")
    priority.add_argument("--by")
    priority.add_argument("--json", action="store_true")
    priority.set_defaults(handler=act, verb="priority")
    people_commands.register(actions, common, incident_id)
    review_commands.register(actions, common, incident_id, _print_incident)
    history.register_export(actions, common)


DEFAULT_LIMIT = 100
"""Lists reaching into the archive show this many unless told: years of history stay fast."""


def limit_arg(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise argparse.ArgumentTypeError(f"--limit takes a number (0 for no limit), got {text!r}")
    return int(text)


def _page(args: argparse.Namespace) -> Page | None:
    limit = args.limit
    if limit is None and args.state in ("all", "closed"):
        limit = DEFAULT_LIMIT
    if not limit and args.since is None and args.before is None:
        return None  # everything, as before paging existed
    return Page(limit=limit or None, since=args.since, before=args.before)


def incident_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"incident ids are positive integers, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"incident ids are positive integers, got {text!r}")
    return value


def list_incidents(ctx: Context) -> int:
    page = _page(ctx.args)
    found = incidents_for(ctx).list_incidents(ctx.args.state, mine=ctx.args.mine, page=page)
    if page is not None and page.limit is not None and len(found) >= page.limit and found:
        print(
            f"onwatch: the newest {page.limit} shown; --before {found[0].id} for older,"
            " --limit 0 for all",
            file=sys.stderr,
        )
    if ctx.args.json:
        print_json([incident_to_dict(i) for i in found])
    else:
        print(incident_table(found, ctx.clock()))
    return 0


def show_incident(ctx: Context) -> int:
    _print_incident(ctx, incidents_for(ctx).show(ctx.args.id))
    return 0


def act(ctx: Context) -> int:
    args = ctx.args
    if getattr(args, "to", None):
        return people_commands.hand_over(ctx)
    incident = incidents_for(ctx).act(
        args.verb,
        args.id,
        note=getattr(args, "note", ""),
        text=getattr(args, "text", ""),
        priority=getattr(args, "priority", ""),
    )
    if args.json:
        _print_incident(ctx, incident)
    else:
        print(action_line(incident))
    return 0


_print_incident = print_incident
