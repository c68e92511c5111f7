"""Test messages: one clearly marked message to each channel and the desktop, and what each
came to (`onwatch notify test`). Unlike the dispatcher it does not retry: the point is to see
at once which channel works and why another does not."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from onwatch.notify.channels import ChannelSender
from onwatch.notify.desktop import DesktopNotifier
from onwatch.notify.messages import Message, Tone
from onwatch.notify.threads import in_daemon_thread

DESKTOP = "desktop"
TEST_TIMEOUT = 20.0
"""Seconds one target may take before it counts as a timeout."""

_PLAIN_HTTP = frozenset({"json", "jsons", "xml", "xmls", "form", "forms"})
"""apprise schemes whose host and port are a web server's, so a refusal can be told apart."""


@dataclass(frozen=True, slots=True)
class TargetResult:
    target: str
    ok: bool
    reason: str = ""
    """Why it failed: HTTP 503, connection refused, timeout...; never a URL or a token."""
    seconds: float = 0.0


def marked_test_message(now: datetime, operator: str) -> Message:
    when = now.strftime("%Y-%m-%d %H:%M UTC")
    return Message(
        "TEST onwatch test message",
        f"TEST: this is a test message from onwatch, sent by {operator} at {when}.\n"
        "Nothing is wrong; no action is needed. If you read this, this channel works.",
        Tone.INFO,
    )


def _refused(url: str) -> bool | None:
    """True when the webhook's server refuses connections, None when that cannot be told."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in _PLAIN_HTTP or not parts.hostname:
        return None
    secure = parts.scheme.lower().endswith("s")
    try:
        port = parts.port or (443 if secure else 80)
    except ValueError:
        return None
    try:
        with socket.create_connection((parts.hostname, port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return None


def _send(sender: ChannelSender, message: Message) -> TargetResult:
    delivery = sender.deliver(message.title, message.body, message.tone)
    reason = delivery.reason
    if not delivery.ok and reason == "connection error" and _refused(sender.channel.url):
        reason = "connection refused"
    return TargetResult(sender.channel.name, delivery.ok, reason, delivery.seconds)


async def _one(sender: ChannelSender, message: Message, limit: float) -> TargetResult:
    try:
        async with asyncio.timeout(limit):
            return await in_daemon_thread(_send, sender, message)
    except TimeoutError:
        return TargetResult(sender.channel.name, False, f"timeout (no answer within {limit:g}s)")
    except Exception as error:  # a sender's own bug; its text may hold a URL
        return TargetResult(sender.channel.name, False, type(error).__name__)


async def _desktop(desktop: DesktopNotifier, message: Message) -> TargetResult:
    reason = await asyncio.to_thread(desktop.status)
    if reason is None:
        shown = await desktop.notify(message.title, message.body)
        reason = None if shown else (desktop.status() or "the popup was not shown")
    if reason is None:
        return TargetResult(DESKTOP, True)
    with contextlib.suppress(ValueError):
        reason = reason.split(": ", 1)[1]  # "desktop notifications unavailable: <why>"
    return TargetResult(DESKTOP, False, reason)


async def send_test(
    senders: Iterable[ChannelSender],
    desktop: DesktopNotifier | None,
    message: Message,
    *,
    limit: float = TEST_TIMEOUT,
) -> list[TargetResult]:
    """Send `message` to every sender (and the desktop) at once; results in the given order."""
    work = [_one(sender, message, limit) for sender in senders]
    if desktop is not None:
        work.append(_desktop(desktop, message))
    return list(await asyncio.gather(*work))
