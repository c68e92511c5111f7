"""`onwatch notify test [--channel NAME | --role ROLE] [--json]`: a clearly marked test message
to each channel (or one channel, or a role's) and the desktop, and what each came to.

Exit 0 when every target took the message, 1 when one did not, 2 for a channel or role the
config does not have (named with the config file and line).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.render import columns, print_json
from onwatch.config import Config
from onwatch.config.locate import locate_toml
from onwatch.engine.paging import role_addresses, role_targets
from onwatch.notify.channels import AppriseSender, Channel, InvalidChannel
from onwatch.notify.desktop import DesktopNotifier
from onwatch.notify.probe import TargetResult, marked_test_message, send_test


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


def _where(config: Config, path: tuple[str, ...]) -> str:
    """`FILE:LINE` of `path` in the config (the nearest enclosing key that has a line)."""
    if config.file is None:
        return "<built-in>"
    try:
        line = locate_toml(config.file.read_text(encoding="utf-8")).line(path)
    except (OSError, UnicodeDecodeError, RecursionError):
        line = None
    return f"{config.file}:{line}" if line else str(config.file)


def chosen_channels(config: Config, channel: str | None, role: str | None) -> list[Channel]:
    """The channels to test; CliError (exit 2) naming the config's file and line for a channel
    or role it does not have."""
    notify = config.notify
    every = {c.name: c for c in (*notify.channels, *role_addresses(notify.roles).values())}
    if channel is not None:
        if channel not in every:
            known = ", ".join(c.name for c in notify.channels) or "none configured"
            where = _where(config, ("notify", "channels"))
            raise CliError(
                f"{where}: notify.channels: no channel {channel!r} (channels: {known})", Exit.USAGE
            )
        return [every[channel]]
    if role is not None:
        targets = role_targets(notify.roles)
        if role not in targets:
            known = ", ".join(sorted(targets)) or "none configured"
            where = _where(config, ("roles",))
            raise CliError(f"{where}: roles: no role {role!r} (roles: {known})", Exit.USAGE)
        return [every[key] for key in targets[role] if key in every]
    return list(every.values())


def run_test(
    channels: list[Channel], desktop: DesktopNotifier | None, operator: str, now: datetime
) -> list[TargetResult]:
    """Send the test message; blocking (it runs its own event loop): call from a thread."""
    results: list[TargetResult] = []
    senders = []
    for channel in channels:
        try:
            senders.append(AppriseSender(channel))
        except InvalidChannel:
            results.append(TargetResult(channel.name, False, "not a URL apprise understands"))
    message = marked_test_message(now, operator)
    sent = asyncio.run(send_test(senders, desktop, message))
    order = {c.name: i for i, c in enumerate(channels)}
    merged = results + sent
    return sorted(merged, key=lambda r: order.get(r.target, len(order)))


def notify_test(ctx: Context) -> int:
    config = ctx.needs("notify", "roles", "operator")
    args = ctx.args
    channels = chosen_channels(config, args.channel, args.role)
    # The desktop too, unless one channel or one role was asked for.
    wanted = args.channel is None and args.role is None and config.notify.desktop
    desktop = DesktopNotifier() if wanted else None
    if not channels and desktop is None:
        raise CliError("nothing to test: no channel configured and the desktop is off")
    results = run_test(channels, desktop, config.operator, ctx.clock())
    if args.json:
        print_json([{"target": r.target, "ok": r.ok, "reason": r.reason or None} for r in results])
    else:
        rows = [(r.target, "ok" if r.ok else f"FAILED: {r.reason}") for r in results]
        sys.stdout.write(columns(rows) + "\n")
    return Exit.OK if all(r.ok for r in results) else Exit.FAILURE
