"""`onwatch stats` and `onwatch incidents export`: the history, counted and carried away."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from typing import Any

from onwatch.cli.backends import incidents_for
from onwatch.cli.context import Context
from onwatch.cli.render import columns, print_json
from onwatch.incidents.timefmt import format_duration, parse_duration


def since_arg(text: str) -> str:
    """A duration back from now ("30d", "12h"), checked here and sent as typed to a server."""
    try:
        delta = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if delta <= timedelta(0):
        raise argparse.ArgumentTypeError(f"--since needs a positive duration, got {text!r}")
    return text


def since_time(text: str | None, now: datetime) -> datetime | None:
    return None if text is None else now - parse_duration(text)


def register_stats(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "stats", help="incident figures: counts, response times, noisy checks", parents=[common]
    )
    parser.add_argument(
        "--since",
        type=since_arg,
        metavar="DURATION",
        help="only incidents opened in the last DURATION (e.g. 30d)",
    )
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    parser.add_argument("--drills", action="store_true", help="count drills too")
    parser.set_defaults(handler=show_stats)


def register_export(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    export = actions.add_parser(
        "export", help="every incident, live and archived, as CSV or JSON lines", parents=[common]
    )
    export.add_argument("--format", choices=("csv", "json"), required=True)
    export.add_argument(
        "--since",
        type=since_arg,
        metavar="DURATION",
        help="only incidents opened in the last DURATION",
    )
    export.add_argument("--drills", action="store_true", help="include drills")
    export.set_defaults(handler=export_incidents)


def show_stats(ctx: Context) -> int:
    args = ctx.args
    figures = incidents_for(ctx).stats(args.since, include_drills=args.drills)
    if args.json:
        print_json(figures)
    else:
        print(stats_text(figures))
    return 0


def export_incidents(ctx: Context) -> int:
    args = ctx.args
    out = sys.stdout
    for line in incidents_for(ctx).export(args.format, args.since, include_drills=args.drills):
        out.write(line)
    out.flush()
    return 0


def stats_text(figures: dict[str, Any]) -> str:
    since = figures.get("since") or "the beginning"
    parts = [f"{figures['total']} incidents since {since}"]
    for title, key in (
        ("severity", "by_severity"),
        ("category", "by_category"),
        ("source", "by_source"),
    ):
        counts = figures[key]
        if counts:
            parts.append(
                columns([(title.upper(), "INCIDENTS")] + [(k, str(v)) for k, v in counts.items()])
            )
    rows = [("", "COUNT", "MEDIAN", "P90")]
    for label, key in (
        ("time to acknowledge", "time_to_acknowledge"),
        ("time to resolve", "time_to_resolve"),
    ):
        d = figures[key]
        rows.append((label, str(d["count"]), _seconds(d["median_s"]), _seconds(d["p90_s"])))
    parts.append(columns(rows))
    noisy = figures["noisiest_checks"]
    if noisy:
        parts.append(
            "noisiest checks\n"
            + columns(
                [("SOURCE", "CHECK", "INCIDENTS")]
                + [(n["source"], n["check"], str(n["incidents"])) for n in noisy]
            )
        )
    flapping = figures["flapping_checks"]
    if flapping:
        parts.append(
            "flapping checks\n"
            + columns(
                [("SOURCE", "CHECK", "FLAPPING", "REOPENS")]
                + [
                    (f["source"], f["check"], str(f["flapping"]), str(f["reopens"]))
                    for f in flapping
                ]
            )
        )
    feedback = figures["feedback"]
    average = "-" if feedback["average"] is None else f"{feedback['average']:.2f}"
    parts.append(f"feedback: {feedback['count']} ratings, average {average}")
    days = figures["per_day"]
    if days:
        peak = max(d["incidents"] for d in days)
        parts.append(
            f"per day over {len(days)} days: peak {peak}, mean {figures['total'] / len(days):.1f}"
        )
    return "\n\n".join(parts)


def _seconds(value: float | None) -> str:
    return "-" if value is None else format_duration(timedelta(seconds=value))
