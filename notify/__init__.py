"""Who is told: desktop popups (plyer), channels (apprise URLs), and the delivery queue.

Imports `incidents` for the shared vocabulary and nothing else of ours. Channel URLs are
secrets: everything here names a channel by its config key and redacts URLs from what it writes.
"""

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
