"""Desktop notifications through plyer, with availability judged here first.

plyer on Linux uses the python `dbus` module when it imports, else runs `notify-send`; with
neither it raises NotImplementedError, and with notify-send but no D-Bus session it returns
quietly although nothing was shown. So onwatch decides for itself: a session bus address in the
environment, and a way to reach it. When that fails, or plyer ever raises, the reason is logged
once, `status()` reports it (the TUI shows it in its header) and `notify()` does nothing.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import subprocess
import threading
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path

from onwatch.notify.threads import in_daemon_thread

logger = logging.getLogger("onwatch.notify")

APP_NAME = "onwatch"
MAX_WAITING = 16
"""Popups queued behind a slow one beyond this are dropped: a hung notification daemon must not
pile up threads."""

Backend = Callable[..., object]


def _plyer_notify(**kwargs: object) -> object:
    from plyer import notification

    return notification.notify(**kwargs)


class DesktopNotifier:
    """Shows popups on this machine's desktop, or says once why it cannot."""

    def __init__(
        self,
        *,
        app_name: str = APP_NAME,
        timeout: int = 10,
        environ: Mapping[str, str] | None = None,
        backend: Backend | None = None,
    ) -> None:
        """`environ` defaults to the process environment (read when first needed); `backend`
        defaults to plyer's notification facade. Both are parameters for tests."""
        self.app_name = app_name
        self.timeout = timeout
        self._environ = environ
        self._backend = backend or _plyer_notify
        self._reason: str | None = None
        self._judged = False
        self._lock = threading.Lock()  # plyer makes no promise about concurrent calls
        self._waiting = 0

    def status(self) -> str | None:
        """None when notifications work, else `desktop notifications unavailable: <reason>`."""
        if not self._judged:
            self._judged = True
            reason = self._judge()
            if reason is not None:
                self._disable(reason)
        return self._reason

    @property
    def available(self) -> bool:
        return self.status() is None

    async def notify(self, title: str, message: str) -> bool:
        """Show one popup; True if it was handed to the desktop. Never raises."""
        if not self.available or self._waiting >= MAX_WAITING:
            return False
        self._waiting += 1
        try:
            return await in_daemon_thread(self._show, title, message, name="onwatch-desktop")
        finally:
            self._waiting -= 1

    def _show(self, title: str, message: str) -> bool:
        with self._lock:
            if self._reason is not None:  # an earlier popup failed while this one waited
                return False
            try:
                with warnings.catch_warnings():
                    # plyer warns on every start that python-dbus is missing; notify-send is fine.
                    warnings.simplefilter("ignore")
                    self._backend(
                        title=title,
                        message=message,
                        app_name=self.app_name,
                        timeout=self.timeout,
                    )
            except Exception as error:
                detail = str(error).strip()
                self._disable(f"{type(error).__name__}{': ' + detail if detail else ''}")
                return False
            return True

    def _judge(self) -> str | None:
        env = os.environ if self._environ is None else self._environ
        address = env.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
        if not address:
            return "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)"
        socket = _unix_path(address)
        if socket is not None and not Path(socket).exists():
            return f"no D-Bus session (its socket {socket} does not exist)"
        path = env.get("PATH", os.defpath)
        if (
            importlib.util.find_spec("dbus") is None
            and shutil.which("notify-send", path=path) is None
        ):
            return "neither the python dbus module nor notify-send is installed"
        if not _daemon_reachable(env, path):
            # notify-send would print its complaint on the terminal, over the console.
            return "no notification daemon on the D-Bus session"
        return None

    def _disable(self, reason: str) -> None:
        self._judged = True
        if self._reason is None:
            self._reason = f"desktop notifications unavailable: {reason}"
            logger.warning("%s", self._reason)


def _unix_path(address: str) -> str | None:
    """The socket file of a `unix:path=...` bus address (abstract sockets have none to check)."""
    for part in address.split(";")[0].split(","):
        if part.startswith("unix:path="):
            return part.removeprefix("unix:path=")
        if part.startswith("path="):
            return part.removeprefix("path=")
    return None


_NOTIFICATIONS = "org.freedesktop.Notifications"


def _daemon_reachable(env: Mapping[str, str], path: str) -> bool:
    """Whether a notification daemon owns its bus name, or D-Bus can start one on demand.

    Asked with dbus-send when it is installed (it comes with the bus itself); without it there
    is no cheap way to ask, and the popup is simply tried.
    """
    dbus_send = shutil.which("dbus-send", path=path)
    if dbus_send is None:
        return True

    def ask(method: str, *args: str) -> str:
        try:
            reply = subprocess.run(
                [dbus_send, "--session", "--dest=org.freedesktop.DBus", "--print-reply",
                 "/org/freedesktop/DBus", f"org.freedesktop.DBus.{method}", *args],
                env=dict(env), capture_output=True, text=True, timeout=2,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return reply.stdout

    if "boolean true" in ask("NameHasOwner", f"string:{_NOTIFICATIONS}"):
        return True
    return f'"{_NOTIFICATIONS}"' in ask("ListActivatableNames")
