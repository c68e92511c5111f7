"""A private D-Bus session with python3-dbusmock's notification daemon on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
"""Debian's python3-dbusmock installs into the system interpreter."""


# --- a private D-Bus session with a mock notification daemon -----------------------------------


@dataclass
class NotificationDaemon:
    address: str
    log: Path

    def notify_calls(self) -> list[str]:
        if not self.log.exists():
            return []
        return [line for line in self.log.read_text().splitlines() if " Notify " in line]

    def wait_for_calls(self, count: int, timeout: float = 5.0) -> list[str]:
        """The daemon logs after plyer's call returned; give it a moment, with a deadline."""
        deadline = time.monotonic() + timeout
        while len(calls := self.notify_calls()) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return calls


def _dbusmock_missing() -> str | None:
    for tool in ("dbus-daemon", "dbus-send"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import dbusmock"], capture_output=True)
    return None if probe.returncode == 0 else "python3-dbusmock is not installed"


def _name_has_owner(env: dict[str, str]) -> bool:
    reply = subprocess.run(
        [
            "dbus-send", "--session", "--dest=org.freedesktop.DBus", "--print-reply",
            "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.Notifications",
        ],
        env=env, capture_output=True, text=True, timeout=5,
    )  # fmt: skip
    return "boolean true" in reply.stdout


@pytest.fixture
def notification_daemon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[NotificationDaemon]:
    missing = _dbusmock_missing()
    if missing:
        pytest.fail(f"{missing}: .ci/run installs it (apt: dbus, python3-dbusmock)")
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--print-address=1", "--nofork"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    env = dict(os.environ)
    log = tmp_path / "calls.log"
    daemon = subprocess.Popen(
        [SYSTEM_PYTHON, "-m", "dbusmock", "--template", "notification_daemon", "-l", str(log)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while not _name_has_owner(env):
            if time.monotonic() > deadline or daemon.poll() is not None:
                pytest.fail("the mock notification daemon did not come up")
            time.sleep(0.05)
        yield NotificationDaemon(address, log)
    finally:
        for process in (daemon, bus):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if bus.stdout is not None:
            bus.stdout.close()
