"""`onwatch incidents check|review` and `onwatch postmortem`: work through an incident's
checklist, record what the review found, write the postmortem."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from onwatch.cli.backends import incidents_for
from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.render import action_line

_BY_HELP = "who acts (default: the configured operator; not with --connect)"


def register(
    actions: argparse._SubParsersAction,
    common: argparse.ArgumentParser,
    incident_id: Callable[[str], int],
    printer: Callable[[Context, object], None],
) -> None:
    check = actions.add_parser(
        "check", help="tick an item of the incident's checklist", parents=[common]
    )
    check.add_argument("id", type=incident_id)
    check.add_argument("number", type=int, metavar="N", help="the item, from 1 as `show` lists")
    check.add_argument("--undo", action="store_true", help="untick it")
    check.add_argument("--by", help=_BY_HELP)
    check.add_argument("--json", action="store_true", help="the incident as `show --json`")
    check.set_defaults(handler=lambda ctx: tick(ctx, printer))

    review = actions.add_parser(
        "review", help="record the root cause and action items", parents=[common]
    )
    review.add_argument("id", type=incident_id)
    review.add_argument("--root-cause", metavar="TEXT", help="what caused it (replaces any before)")
    review.add_argument(
        "--action",
        dest="actions",
        action="append",
        default=[],
        metavar="TEXT",
        help="an action item (repeat for several; added to those before)",
    )
    review.add_argument("--by", help=_BY_HELP)
    review.add_argument("--json", action="store_true", help="the incident as `show --json`")
    review.set_defaults(handler=lambda ctx: record_review(ctx, printer))


def register_postmortem(
    subparsers: argparse._SubParsersAction,
    common: argparse.ArgumentParser,
    incident_id: Callable[[str], int],
) -> None:
    parser = subparsers.add_parser(
        "postmortem", help="write an incident's postmortem (Markdown)", parents=[common]
    )
    parser.add_argument("id", type=incident_id)
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write it to FILE (default: standard output)"
    )
    parser.set_defaults(handler=postmortem)


def tick(ctx: Context, printer: Callable[[Context, object], None]) -> int:
    args = ctx.args
    incident = incidents_for(ctx).check(args.id, args.number, undo=args.undo)
    if args.json:
        printer(ctx, incident)
        return 0
    print(action_line(incident))
    return 0


def record_review(ctx: Context, printer: Callable[[Context, object], None]) -> int:
    args = ctx.args
    if args.root_cause is None and not args.actions:
        raise CliError(
            "say what the review found: --root-cause TEXT and/or --action TEXT", Exit.USAGE
        )
    incident = incidents_for(ctx).review(args.id, root_cause=args.root_cause, actions=args.actions)
    if args.json:
        printer(ctx, incident)
    else:
        print(action_line(incident))
    return 0


def postmortem(ctx: Context) -> int:
    text = incidents_for(ctx).postmortem(ctx.args.id)
    if ctx.args.output is None:
        print(text, end="")
        return 0
    write_atomically(Path(ctx.args.output), text)
    print(f"postmortem of incident {ctx.args.id} written to {ctx.args.output}")
    return 0


def write_atomically(path: Path, text: str) -> None:
    """All of it or nothing: a temporary file beside it, then one rename."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temp.write_text(text, encoding="utf-8")
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise CliError(f"{path}: cannot write: {exc.strerror or exc}") from None
