"""Fixtures every test package may use."""

from tests.support.desktop import notification_daemon

__all__ = ["notification_daemon"]
