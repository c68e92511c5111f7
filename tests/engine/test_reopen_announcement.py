"""A reopen restarts the story for whoever heard of the close: the reporter and the channels
that asked for recoveries are told why it was reopened and how long it has been going on;
a channel that did not ask for recoveries hears nothing of it. Delivered for real to json://
receivers on 127.0.0.1, with time moved by a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onwatch.engine.specs import NotifySettings
from onwatch.notify import Channel
from tests.engine.test_paging import Clock, build, running, timeline
from tests.engine.test_roles_paging import elsewhere
from tests.support.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


async def test_a_reopen_tells_the_reporter_and_recovery_channels_why(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    desk = Channel("desk", receiver.url("desk"), send_resolved=True)
    quiet = Channel("quiet", receiver.url("quiet"))
    engine = build(tmp_path, clock, {}, NotifySettings(channels=(desk, quiet), desktop=False))
    async with running(engine):
        ops = elsewhere(engine.store, clock)
        ops.open_report("printer on floor 2 jams", reporter=receiver.url("reporter"))
        await engine.poll_store()
        await engine.settle()
        clock.advance(hours=1)
        ops.close(1, note="replaced the fuser unit")
        await engine.poll_store()
        await engine.settle()
        clock.advance(hours=2, minutes=5)
        ops.reopen(1, note="jams again after ten pages")
        await engine.poll_store()
        await engine.settle()
    closed, reopened = receiver.on("reporter")
    assert closed.payload["title"].startswith("CLOSED")
    assert reopened.payload["title"].startswith("REOPENED")
    body = reopened.payload["message"]
    assert body.startswith("#1 printer on floor 2 jams\n")
    assert "reopened: jams again after ten pages" in body
    assert "open for 3h05m since" in body
    assert [m.payload["title"].split()[0] for m in receiver.on("desk")][-1] == "REOPENED"
    assert not any(
        m.payload["title"].startswith(("CLOSED", "REOPENED")) for m in receiver.on("quiet")
    )
    notes = [note for kind, note in timeline(engine) if kind == "notify"]
    assert notes.count("notified reporter") == 2


async def test_a_reopen_without_a_note_says_no_reason_was_given(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    engine = build(tmp_path, clock, {}, NotifySettings(desktop=False))
    async with running(engine):
        ops = elsewhere(engine.store, clock)
        ops.open_report("badge reader dead", reporter=receiver.url("reporter"))
        ops.close(1, note="rebooted it")
        await engine.poll_store()
        await engine.settle()
        ops.reopen(1)
        await engine.poll_store()
        await engine.settle()
    titles = [m.payload["title"].split()[0] for m in receiver.on("reporter")]
    assert titles[-1] == "REOPENED"
    assert "reopened: no reason given" in receiver.on("reporter")[-1].payload["message"]
