"""Test messages to the configured channels, whoever asks (`onwatch notify test`, the console's
palette, `POST /v1/notify/test`): which channels, and what each came to."""

from __future__ import annotations

import asyncio
from datetime import datetime

from onwatch.engine.paging import role_addresses, role_targets
from onwatch.engine.specs import NotifySettings
from onwatch.notify.channels import AppriseSender, Channel, ChannelSender, InvalidChannel
from onwatch.notify.desktop import DesktopNotifier
from onwatch.notify.probe import TargetResult, marked_test_message, send_test


class UnknownTarget(LookupError):
    """A channel or role the config does not have; `key` is its config section."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def select_channels(
    notify: NotifySettings, channel: str | None = None, role: str | None = None
) -> list[Channel]:
    """Every channel and role address, or the one channel, or one role's."""
    every = {c.name: c for c in (*notify.channels, *role_addresses(notify.roles).values())}
    if channel is not None:
        if channel not in every:
            known = ", ".join(c.name for c in notify.channels) or "none configured"
            raise UnknownTarget("notify.channels", f"no channel {channel!r} (channels: {known})")
        return [every[channel]]
    if role is not None:
        targets = role_targets(notify.roles)
        if role not in targets:
            known = ", ".join(sorted(targets)) or "none configured"
            raise UnknownTarget("roles", f"no role {role!r} (roles: {known})")
        return [every[key] for key in targets[role] if key in every]
    return list(every.values())


async def trial(
    channels: list[Channel], desktop: DesktopNotifier | None, operator: str, now: datetime
) -> list[TargetResult]:
    """Send the marked test message to each channel (and the desktop); results in order."""
    senders, failed = await asyncio.to_thread(_senders, channels)
    sent = {
        r.target: r for r in await send_test(senders, desktop, marked_test_message(now, operator))
    }
    results = [failed.get(c.name) or sent[c.name] for c in channels]
    return results + [r for name, r in sent.items() if name not in {c.name for c in channels}]


def _senders(channels: list[Channel]) -> tuple[list[ChannelSender], dict[str, TargetResult]]:
    # Building a sender imports apprise and parses the URL: work for a thread, not the loop.
    failed: dict[str, TargetResult] = {}
    senders: list[ChannelSender] = []
    for channel in channels:
        try:
            senders.append(AppriseSender(channel))
        except InvalidChannel:
            failed[channel.name] = TargetResult(channel.name, False, "not a URL apprise can use")
    return senders, failed


def result_to_dict(result: TargetResult) -> dict[str, object]:
    return {"target": result.target, "ok": result.ok, "reason": result.reason or None}
