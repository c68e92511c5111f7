"""`onwatch incidents open|assign|feedback` and `escalate --to`: the people in an incident."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from onwatch.cli.backends import Report, incidents_for
from onwatch.cli.context import Context
from onwatch.cli.render import action_line, print_json
from onwatch.cli.shown import print_incident
from onwatch.incidents import Category, Incident, Severity
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.people import REPORTED_SOURCE, Assignment

_BY_HELP = "who acts (default: the configured operator; not with --connect)"


def register(
    actions: argparse._SubParsersAction,
    common: argparse.ArgumentParser,
    incident_id: Callable[[str], int],
) -> None:
    opening = actions.add_parser("open", help="report something broken", parents=[common])
    opening.add_argument("title")
    opening.add_argument(
        "--severity", choices=[s.value for s in Severity], default=Severity.WARNING.value
    )
    opening.add_argument(
        "--category", choices=[c.value for c in Category], default=Category.REPORTED.value
    )
    opening.add_argument(
        "--source", default=REPORTED_SOURCE, metavar="NAME", help="what is affected"
    )
    opening.add_argument("--description", default="", metavar="TEXT")
    opening.add_argument(
        "--reporter", metavar="CONTACT", help="who reported it: a name or an apprise URL"
    )
    opening.add_argument("--by", help=_BY_HELP)
    opening.add_argument("--json", action="store_true", help="the incident as JSON")
    opening.set_defaults(handler=open_report)

    assign = actions.add_parser(
        "assign", help="name the owner or incident manager", parents=[common]
    )
    assign.add_argument("id", type=incident_id)
    assign.add_argument("name")
    assign.add_argument(
        "--as",
        dest="as_",
        choices=[a.value for a in Assignment],
        default=Assignment.OWNER.value,
    )
    assign.add_argument("--by", help=_BY_HELP)
    assign.add_argument("--json", action="store_true")
    assign.set_defaults(handler=assign_incident)

    feedback = actions.add_parser(
        "feedback", help="how the person affected rates the fix", parents=[common]
    )
    feedback.add_argument("id", type=incident_id)
    feedback.add_argument("--rating", type=int, required=True, metavar="1..5")
    feedback.add_argument("--comment", default="", metavar="TEXT")
    feedback.add_argument("--by", help=_BY_HELP)
    feedback.add_argument("--json", action="store_true")
    feedback.set_defaults(handler=give_feedback)


def open_report(ctx: Context) -> int:
    args = ctx.args
    report = Report(
        title=args.title,
        severity=Severity(args.severity),
        category=Category(args.category),
        source=args.source,
        description=args.description,
        reporter=args.reporter,
    )
    incident = incidents_for(ctx).open_report(report)
    if args.json:
        print_json(incident_to_dict(incident))
    elif incident.reports > 1:
        # The count says it, locally and through the API alike: a first report counts one.
        print(f"added to #{incident.id} ({incident.reports} reports)")
    else:
        print(f"opened #{incident.id} {incident.priority.value}: {incident.title}")
    return 0


def assign_incident(ctx: Context) -> int:
    args = ctx.args
    incident = incidents_for(ctx).assign(args.id, args.name, as_=Assignment(args.as_))
    return _done(ctx, incident)


def hand_over(ctx: Context) -> int:
    args = ctx.args
    return _done(ctx, incidents_for(ctx).hand_over(args.id, args.to, note=args.note))


def give_feedback(ctx: Context) -> int:
    args = ctx.args
    incident = incidents_for(ctx).feedback(args.id, args.rating, comment=args.comment)
    return _done(ctx, incident)


def _done(ctx: Context, incident: Incident) -> int:
    if ctx.args.json:
        print_incident(ctx, incident)  # as `show --json` prints it
    else:
        print(action_line(incident))
    return 0
