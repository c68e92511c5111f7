"""Who is told: desktop popups (plyer), channels (apprise URLs), and the delivery queue.

Imports `incidents` for the shared vocabulary and nothing else of ours. Channel URLs are
secrets: everything here names a channel by its config key and redacts URLs from what it writes.
Names load on first use, so that reading a `Channel` spec costs no more than its module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onwatch._lazy import exports

if TYPE_CHECKING:
    from onwatch.notify.channels import (
        AppriseSender,
        Channel,
        ChannelSender,
        Delivery,
        InvalidChannel,
        with_timeouts,
    )
    from onwatch.notify.desktop import DesktopNotifier
    from onwatch.notify.dispatch import DEFAULT_RETRY_DELAYS, DESKTOP_KINDS, Dispatcher
    from onwatch.notify.messages import Kind, Message, Tone
    from onwatch.notify.redact import Redactor, url_secrets

_WHERE = {
    "AppriseSender": ".channels",
    "Channel": ".channels",
    "ChannelSender": ".channels",
    "DEFAULT_RETRY_DELAYS": ".dispatch",
    "DESKTOP_KINDS": ".dispatch",
    "Delivery": ".channels",
    "DesktopNotifier": ".desktop",
    "Dispatcher": ".dispatch",
    "InvalidChannel": ".channels",
    "Kind": ".messages",
    "Message": ".messages",
    "Redactor": ".redact",
    "Tone": ".messages",
    "url_secrets": ".redact",
    "with_timeouts": ".channels",
}
__getattr__ = exports(__name__, _WHERE)

__all__ = [
    "DEFAULT_RETRY_DELAYS",
    "DESKTOP_KINDS",
    "AppriseSender",
    "Channel",
    "ChannelSender",
    "Delivery",
    "DesktopNotifier",
    "Dispatcher",
    "InvalidChannel",
    "Kind",
    "Message",
    "Redactor",
    "Tone",
    "url_secrets",
    "with_timeouts",
]
