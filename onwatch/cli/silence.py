"""`onwatch silence ...`: mute notifications for matching incidents for a while.

    onwatch silence add --match source=web-01 [--match check=api] --for 2h --reason TEXT [--by NAME]
    onwatch silence list [--all]
    onwatch silence expire ID

Silences are kept in `silences.json` beside the incidents database. With `--json`, `add` and
`expire` print one silence object and `list` prints an array of them, each shaped as
`incidents.silences.silence_to_dict` makes it:

    {
      "id": 3,                                   # positive integer, never reused
      "matchers": {"source": "web-*", "check": "api"},  # key -> shell glob
      "starts_at": "2026-11-27T05:49:17.123456Z",  # UTC ISO-8601
      "ends_at": "2026-11-27T07:49:17.123456Z",    # planned end
      "reason": "rebooting web tier",
      "created_by": "dana",
      "expired_at": null                          # or when it was ended early by `expire`
    }

Exit codes: 0 done, 2 bad arguments, 3 no such silence, 4 the silence has already ended; with
`--connect URL` also 5 the server refused the token, 1 the server could not be reached.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from onwatch.cli.backends import silences_for
from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.render import columns, print_json
from onwatch.incidents import InvalidInput
from onwatch.incidents.silences import (
    MAX_SILENCE,
    SILENCE_KEYS,
    Silence,
    check_matchers,
    describe_matchers,
    silence_to_dict,
)
from onwatch.incidents.timefmt import parse_duration, to_iso

MAX_DURATION = MAX_SILENCE
"""The longest silence: anything longer is a config change (maintenance), not a silence."""


_COLUMNS = ("ID", "STATE", "UNTIL", "BY", "MATCH", "REASON")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "silence", help="mute notifications for matching incidents", parents=[common]
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="silence matching incidents for a while", parents=[common])
    add.add_argument(
        "--match",
        dest="matchers",
        metavar="KEY=GLOB",
        type=matcher,
        action="append",
        required=True,
        help=f"what to silence; repeat to narrow ({', '.join(sorted(SILENCE_KEYS))})",
    )
    add.add_argument(
        "--for",
        dest="duration",
        metavar="DURATION",
        type=silence_duration,
        required=True,
        help=f"how long, e.g. 30m, 2h, 1d (at most {MAX_DURATION.days}d)",
    )
    add.add_argument("--reason", type=reason_text, required=True, help="why, for the others")
    add.add_argument("--by", help="who silences (default: the configured operator)")
    add.add_argument("--json", action="store_true", help="print the silence as JSON")
    add.set_defaults(handler=add_silence)

    listing = actions.add_parser("list", help="list active silences", parents=[common])
    listing.add_argument("--all", action="store_true", help="include ended and expired ones")
    listing.add_argument("--json", action="store_true", help="a JSON array of silences")
    listing.set_defaults(handler=list_silences)

    expire = actions.add_parser("expire", help="end a silence now", parents=[common])
    expire.add_argument("id", type=silence_id)
    expire.add_argument("--json", action="store_true", help="print the silence as JSON")
    expire.set_defaults(handler=expire_silence)


# --- argument types: a bad value is a one-line usage error (exit 2) before anything runs ------


def matcher(text: str) -> tuple[str, str]:
    key, sep, pattern = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected KEY=GLOB such as source=web-01, got {text!r}")
    try:
        checked = check_matchers({key.strip(): pattern}, SILENCE_KEYS, what="a silence")
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    ((key, pattern),) = checked.items()
    return key, pattern


def silence_duration(text: str) -> timedelta:
    try:
        duration = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if duration <= timedelta(0):
        raise argparse.ArgumentTypeError(f"a silence must last a positive time, got {text!r}")
    if duration > MAX_DURATION:
        raise argparse.ArgumentTypeError(
            f"a silence lasts at most {MAX_DURATION.days}d, got {text!r};"
            " use a maintenance window in the config for longer"
        )
    return duration


def reason_text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("a silence needs a reason")
    return text.strip()


def silence_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"silence ids are positive integers, got {text!r}")
    return value


# --- handlers ----------------------------------------------------------------------------------


def add_silence(ctx: Context) -> int:
    matchers: dict[str, str] = {}
    for key, pattern in ctx.args.matchers:
        # Two globs on one key would need both to match the same value; far more likely a typo.
        if key in matchers:
            raise CliError(f"--match {key} given twice", Exit.USAGE)
        matchers[key] = pattern
    silence = silences_for(ctx).add(matchers, duration=ctx.args.duration, reason=ctx.args.reason)
    if ctx.args.json:
        print_json(silence_to_dict(silence))
    else:
        print(f"added {silence.describe()}")
    return Exit.OK


def list_silences(ctx: Context) -> int:
    now = ctx.clock()
    found = silences_for(ctx).list_silences(everything=ctx.args.all, now=now)
    if ctx.args.json:
        print_json([silence_to_dict(s) for s in found])
    else:
        print(silence_table(found, now, everything=ctx.args.all))
    return Exit.OK


def expire_silence(ctx: Context) -> int:
    silence = silences_for(ctx).expire(ctx.args.id)
    if ctx.args.json:
        print_json(silence_to_dict(silence))
    else:
        print(f"expired silence #{silence.id} ({describe_matchers(silence.matchers)})")
    return Exit.OK


# --- output ------------------------------------------------------------------------------------


def silence_state(silence: Silence, now: datetime) -> str:
    if now < silence.starts_at:
        return "pending"
    if silence.is_active(now):
        return "active"
    if silence.expired_at is not None and silence.expired_at < silence.ends_at:
        return "expired"
    return "ended"


def silence_table(silences: list[Silence], now: datetime, *, everything: bool = False) -> str:
    if not silences:
        return "no silences" if everything else "no active silences"
    rows = [_COLUMNS] + [
        (
            str(s.id),
            silence_state(s, now),
            to_iso(s.effective_end),
            s.created_by,
            describe_matchers(s.matchers),
            # A reason pasted with newlines would break the table's one-line-per-silence rule.
            " ".join(s.reason.split()),
        )
        for s in silences
    ]
    return columns(rows)
