"""Who is told: desktop popups (plyer), channels (apprise URLs), and the delivery queue.

Imports `incidents` for the shared vocabulary and nothing else of ours. Channel URLs are
secrets: everything here names a channel by its config key and redacts URLs from what it writes.
Names load on first use, so that reading a `Channel` spec costs no more than its module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from notify.channels import (
        AppriseSender,
        Channel,
        ChannelSender,
        Delivery,
        InvalidChannel,
        with_timeouts,
    )
    from notify.desktop import DesktopNotifier
    from notify.dispatch import DEFAULT_RETRY_DELAYS, DESKTOP_KINDS, Dispatcher
    from notify.messages import Kind, Message
    from notify.redact import Redactor, url_secrets

_WHERE = {
    "AppriseSender": "notify.channels",
    "Channel": "notify.channels",
    "ChannelSender": "notify.channels",
    "DEFAULT_RETRY_DELAYS": "notify.dispatch",
    "DESKTOP_KINDS": "notify.dispatch",
    "Delivery": "notify.channels",
    "DesktopNotifier": "notify.desktop",
    "Dispatcher": "notify.dispatch",
    "InvalidChannel": "notify.channels",
    "Kind": "notify.messages",
    "Message": "notify.messages",
    "Redactor": "notify.redact",
    "url_secrets": "notify.redact",
    "with_timeouts": "notify.channels",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'notify' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


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
    "url_secrets",
    "with_timeouts",
]
