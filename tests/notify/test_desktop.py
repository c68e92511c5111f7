"""Desktop popups: plyer's real Linux path seen by a mock notification daemon, and the headless
box where there is nothing to show them on."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from onwatch.notify import DesktopNotifier, messages
from tests.notify.conftest import make_incident
from tests.support.desktop import NotificationDaemon


async def test_a_popup_reaches_the_notification_daemon_with_severity_check_id_and_source(
    notification_daemon: NotificationDaemon,
) -> None:
    notifier = DesktopNotifier()
    assert notifier.status() is None
    popup = messages.desktop(make_incident())
    assert popup.title == "CRITICAL api"
    assert popup.body == "#12 api latency 950ms above critical 500ms (web-01)"

    assert await notifier.notify(popup.title, popup.body)

    [call] = notification_daemon.wait_for_calls(1)
    assert '"onwatch"' in call  # the app name
    assert '"CRITICAL api" "#12 api latency 950ms above critical 500ms (web-01)"' in call


async def test_every_popup_in_a_burst_is_shown(notification_daemon: NotificationDaemon) -> None:
    notifier = DesktopNotifier()
    for n in range(10):
        assert await notifier.notify("WARNING disk", f"#{n} disk 91% (db-01)")
    calls = notification_daemon.wait_for_calls(10)
    assert len(calls) == 10
    assert all('"WARNING disk"' in call for call in calls)


def headless_env(tmp_path: Path) -> dict[str, str]:
    """No session bus, and a PATH on which notify-send cannot be found."""
    return {"PATH": str(tmp_path), "HOME": str(tmp_path)}


async def test_headless_box_says_once_why_and_never_crashes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    caplog.set_level(logging.INFO, logger="onwatch.notify")
    notifier = DesktopNotifier()  # the real plyer backend: it must never be reached

    assert notifier.status() == (
        "desktop notifications unavailable: no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)"
    )
    for _ in range(5):
        assert await notifier.notify("CRITICAL api", "#1 down (web-01)") is False
    assert notifier.status() == notifier.status()
    logged = [r.getMessage() for r in caplog.records if r.name == "onwatch.notify"]
    assert logged == [notifier.status()]


async def test_a_bus_but_no_way_to_reach_it_is_unavailable_too(tmp_path: Path) -> None:
    socket = tmp_path / "bus"
    socket.touch()
    env = {**headless_env(tmp_path), "DBUS_SESSION_BUS_ADDRESS": f"unix:path={socket}"}
    notifier = DesktopNotifier(environ=env)
    assert notifier.status() == (
        "desktop notifications unavailable: "
        "neither the python dbus module nor notify-send is installed"
    )


async def test_a_stale_bus_address_is_reported(tmp_path: Path) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/gone", "PATH": "/usr/bin"}
    status = DesktopNotifier(environ=env).status()
    assert (
        status == "desktop notifications unavailable: "
        f"no D-Bus session (its socket {tmp_path}/gone does not exist)"
    )


async def test_a_backend_that_raises_turns_popups_off_and_is_logged_once(
    notification_daemon: NotificationDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    calls = []

    def failing_plyer(**kwargs: object) -> None:
        # What plyer does on a platform it has no notification backend for.
        calls.append(kwargs)
        raise NotImplementedError

    # A real session bus with a daemon on it, so only the backend can fail.
    env = {"DBUS_SESSION_BUS_ADDRESS": notification_daemon.address, "PATH": "/usr/bin:/bin"}
    notifier = DesktopNotifier(environ=env, backend=failing_plyer)
    caplog.set_level(logging.INFO, logger="onwatch.notify")
    assert notifier.status() is None
    assert await notifier.notify("CRITICAL api", "#1 down (web-01)") is False
    assert await notifier.notify("CRITICAL api", "#2 down (web-02)") is False
    assert len(calls) == 1  # never retried
    assert notifier.status() == "desktop notifications unavailable: NotImplementedError"
    assert [r.getMessage() for r in caplog.records] == [notifier.status()]


def test_a_bus_without_a_notification_daemon_is_reported(tmp_path: Path) -> None:
    """A session bus where nothing serves notifications: notify-send would only print its
    error over the console, so onwatch says why once and stays quiet."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--print-address=1", "--nofork"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        address = bus.stdout.readline().strip()  # type: ignore[union-attr]
        env = {"DBUS_SESSION_BUS_ADDRESS": address, "PATH": "/usr/bin:/bin"}
        notifier = DesktopNotifier(environ=env, backend=lambda **kwargs: None)
        assert notifier.status() == (
            "desktop notifications unavailable: no notification daemon on the D-Bus session"
        )
    finally:
        bus.terminate()
        bus.wait(5)
        bus.stdout.close()  # type: ignore[union-attr]
