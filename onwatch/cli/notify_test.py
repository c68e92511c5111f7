"""`onwatch notify test [--channel NAME | --role ROLE] [--json]`: a clearly marked test message
to each channel (or one channel, or a role's) and the desktop, and what each came to.

Exit 0 when every target took the message, 1 when one did not, 2 for a channel or role the
config does not have (named with the config file and line).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.render import columns, print_json
from onwatch.config import Config
from onwatch.config.locate import locate_toml


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    notify = subparsers.add_parser("notify", help="notification channels", parents=[common])
    actions = notify.add_subparsers(dest="notify_command", metavar="ACTION", required=True)
    test = actions.add_parser(
        "test",
        help="send a marked TEST message to every channel and the desktop",
        parents=[common],
    )
    which = test.add_mutually_exclusive_group()
    which.add_argument("--channel", metavar="NAME", help="only this channel")
    which.add_argument("--role", metavar="ROLE", help="only this role's channels and addresses")
    test.add_argument("--json", action="store_true", help="the results as JSON")
    test.set_defaults(handler=notify_test)


def where(config: Config, key: str) -> str:
    """`FILE:LINE` of `key` (dotted) in the config, the nearest enclosing key that has one."""
    if config.file is None:
        return "<built-in>"
    try:
        line = locate_toml(config.file.read_text(encoding="utf-8")).line(tuple(key.split(".")))
    except (OSError, UnicodeDecodeError, RecursionError):
        line = None
    return f"{config.file}:{line}" if line else str(config.file)


def notify_test(ctx: Context) -> int:
    args = ctx.args
    if getattr(args, "connect", None):
        from onwatch.cli.remote import RemoteClient, token_from

        client = RemoteClient(args.connect, token_from(ctx))
        results = client.notify_test(channel=args.channel, role=args.role)
    else:
        results = _local(ctx)
    if args.json:
        print_json(results)
    else:
        rows = [(str(r["target"]), "ok" if r["ok"] else f"FAILED: {r['reason']}") for r in results]
        sys.stdout.write(columns(rows) + "\n" if rows else "")
    return Exit.OK if results and all(r["ok"] for r in results) else Exit.FAILURE


def _local(ctx: Context) -> list[dict[str, object]]:
    # The engine's modules load apprise: only for this command.
    from onwatch.engine.channel_trial import UnknownTarget, result_to_dict, select_channels, trial
    from onwatch.notify.desktop import DesktopNotifier

    config = ctx.needs("notify", "roles", "operator")
    # Each target's result says why it failed; the notifier's own warning would say it twice.
    logging.getLogger("onwatch.notify").addHandler(logging.NullHandler())
    args = ctx.args
    try:
        channels = select_channels(config.notify, args.channel, args.role)
    except UnknownTarget as exc:
        raise CliError(f"{where(config, exc.key)}: {exc.key}: {exc}", Exit.USAGE) from None
    # The desktop too, unless one channel or one role was asked for.
    wanted = args.channel is None and args.role is None and config.notify.desktop
    desktop = DesktopNotifier() if wanted else None
    if not channels and desktop is None:
        raise CliError("nothing to test: no channel configured and the desktop is off")
    results = asyncio.run(trial(channels, desktop, config.operator, ctx.clock()))
    return [result_to_dict(r) for r in results]
