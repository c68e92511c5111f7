"""`t` (and its palette command): a marked TEST message to every channel, from the console,
with what each came to in a toast; real apprise deliveries to a receiver on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from onwatch.engine.specs import NotifySettings
from onwatch.notify import Channel
from onwatch.store import IncidentStore
from onwatch.tui.app import OnwatchApp
from tests.support.receiver import Receiver
from tests.tui.conftest import build_app
from tests.tui.test_keys import SIZE, palette_entries, settle, until


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app(store: IncidentStore, tmp_path: Path, receiver: Receiver) -> OnwatchApp:
    channels = (
        Channel("chat", receiver.url("chat", query="token=tok-31415926")),
        Channel("pager", f"json://127.0.0.1:{dead_port()}/hook"),
    )
    return build_app(store, tmp_path, notify=NotifySettings(channels=channels, desktop=False))


def toasts(app: OnwatchApp) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


def result_toast(app: OnwatchApp) -> tuple[str, str] | None:
    return next((t for t in toasts(app) if t[0].startswith("notify test:")), None)


async def test_the_test_key_sends_to_every_channel_and_toasts_each_result(
    app: OnwatchApp, receiver: Receiver
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: result_toast(app) is not None, attempts=3000)
    title, message = result_toast(app)
    assert title == "notify test: some targets failed"
    assert message.splitlines() == ["chat: ok", "pager: FAILED: connection refused"]
    (got,) = receiver.on("chat")
    assert "TEST" in got.payload["title"] and "dana" in got.payload["message"]
    assert "tok-31415926" not in message


async def test_the_palette_offers_the_test_message_and_it_acts_like_the_key(
    app: OnwatchApp, receiver: Receiver
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entries = await palette_entries(pilot)
        title = next(t for t, h in entries.items() if h == "key t")
        assert title == "Send a marked TEST message to every channel and the desktop"
        await pilot.press(*title, "enter")
        await until(pilot, lambda: result_toast(app) is not None, attempts=3000)
    assert len(receiver.on("chat")) == 1
