"""Notifications end to end in the engine: real apprise deliveries to a receiver on 127.0.0.1,
escalation and reminders driven by a fake clock, silences from the real silence store."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onwatch.engine import Engine, EngineOptions, EngineSettings
from onwatch.engine.notifying import Notifications
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import EntryKind, Mark, Severity, State
from onwatch.incidents.escalation import EscalationPolicy, Step
from onwatch.notify import Channel, DesktopNotifier
from onwatch.store import IncidentStore, SilenceStore
from tests.engine.conftest import Scripted, console, watch
from tests.support.desktop import NotificationDaemon
from tests.support.receiver import Receiver

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
SECRET = "s3cr3t-hook-token"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def channels(receiver: Receiver, *names: str, **kwargs) -> tuple[Channel, ...]:
    return tuple(
        Channel(name, receiver.url(name, query=f"token={SECRET}"), **kwargs) for name in names
    )


def build(
    tmp_path: Path,
    clock: Clock,
    checks: dict[str, Scripted],
    notify: NotifySettings,
    **notification_options,
) -> Engine:
    store = IncidentStore(tmp_path / "incidents.json")
    settings = EngineSettings(watches=tuple(c.watch for c in checks.values()), notify=notify)
    options = {"hold_seconds": 0.05, "retry_delays": (0.05, 0.05, 0.05)} | notification_options
    return Engine(
        settings,
        store,
        operator="dana",
        clock=clock,
        build_collector=lambda w: checks[w.name],
        options=EngineOptions(),
        notifications=Notifications(notify, clock, **options),
        silences=SilenceStore(tmp_path / "silences.json"),
    )


@contextlib.asynccontextmanager
async def running(engine: Engine) -> AsyncIterator[Engine]:
    """The engine's writer and dispatcher, no schedule: the test runs checks and moves time."""
    await engine.start(schedule=False)
    try:
        yield engine
    finally:
        await engine.stop()


async def step(engine: Engine) -> None:
    """Let the clock's time take effect: what was decided lands, then the timers run."""
    await engine.settle()
    engine.tick()
    await engine.settle()


def timeline(engine: Engine, incident_id: int = 1) -> list[tuple[str, str]]:
    return [(e.kind, e.note) for e in engine.store.get(incident_id).timeline]


DAY = 86400.0
"""Check interval for these tests: the fake clock jumps hours, and a check silent for three
intervals would (rightly) raise a "no data" incident of its own."""


def failing(name: str = "api") -> dict[str, Scripted]:
    return {name: Scripted(watch(name, interval=DAY), lambda: "connection refused")}


ESCALATE = EscalationPolicy(
    "api",
    {"source": "api"},
    (
        Step(timedelta(0), ("oncall",)),
        Step(timedelta(minutes=15), ("teamLead",)),
        Step(timedelta(minutes=30), ("ITSupport",)),
    ),
)


async def test_a_new_incident_pages_the_first_step_and_the_timeline_says_so(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    notify = NotifySettings(channels=channels(receiver, "oncall"), desktop=False)
    engine = build(tmp_path, clock, failing(), notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
    (delivery,) = receiver.on("oncall")
    text = f"{delivery.payload['title']} {delivery.payload['message']}"
    assert "api" in text and "connection refused" in text
    kinds = [kind for kind, _ in timeline(engine)]
    assert kinds[:2] == ["opened", "paged"]
    assert ("notify", "notified oncall") in timeline(engine)


async def test_steps_escalate_on_time_and_acknowledging_stops_them(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    notify = NotifySettings(
        channels=channels(receiver, "oncall", "teamLead", "ITSupport"),
        policies=(ESCALATE,),
        desktop=False,
    )
    engine = build(tmp_path, clock, failing(), notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
        clock.advance(minutes=14, seconds=59)
        await step(engine)
        assert receiver.on("teamLead") == []
        clock.advance(seconds=1)
        await step(engine)
        assert len(receiver.on("teamLead")) == 1
        assert engine.store.get(1).escalation_level == 1
        await console(engine).acknowledge(1)
        clock.advance(hours=2)
        await step(engine)
    assert receiver.on("ITSupport") == []
    assert engine.store.get(1).escalation_level == 1


async def test_manual_escalate_fires_the_next_step_at_once(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    notify = NotifySettings(
        channels=channels(receiver, "oncall", "teamLead", "ITSupport"),
        policies=(ESCALATE,),
        desktop=False,
    )
    engine = build(tmp_path, clock, failing(), notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
        await console(engine).escalate(1)
        await engine.settle()
    assert len(receiver.on("teamLead")) == 1
    last = engine.store.get(1).timeline
    assert any(e.kind == "escalated" and e.by == "dana" and "teamLead" in e.note for e in last)


async def test_a_failed_delivery_is_retried_and_each_attempt_is_on_the_timeline(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.statuses.extend([503])
    clock = Clock()
    notify = NotifySettings(channels=channels(receiver, "oncall"), desktop=False)
    engine = build(tmp_path, clock, failing(), notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
    notes = [note for kind, note in timeline(engine) if kind == EntryKind.NOTIFY]
    assert any(note.startswith("oncall failed: HTTP 503, retrying in") for note in notes), notes
    assert notes[-1] == "notified oncall"
    assert len(receiver.on("oncall")) == 2


async def test_reminders_back_off_while_nobody_acknowledges(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    notify = NotifySettings(
        channels=channels(receiver, "oncall"),
        desktop=False,
        renotify=timedelta(minutes=30),
        renotify_backoff=2.0,
    )
    engine = build(tmp_path, clock, failing(), notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
        for minutes in (30, 59, 1, 120):  # reminders due at 30m, then 60m later, then 120m later
            clock.advance(minutes=minutes)
            await step(engine)
    reminders = [e.at for e in engine.store.get(1).timeline if e.kind == "renotified"]
    assert [r - T0 for r in reminders] == [
        timedelta(minutes=30),
        timedelta(minutes=90),
        timedelta(minutes=210),
    ]
    assert len(receiver.on("oncall")) == 4


async def test_an_acknowledgement_that_times_out_pages_again(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    notify = NotifySettings(
        channels=channels(receiver, "oncall"), desktop=False, ack_timeout=timedelta(hours=2)
    )
    engine = build(tmp_path, clock, failing(), notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
        await console(engine).acknowledge(1)
        clock.advance(hours=2)
        await step(engine)
    incident = engine.store.get(1)
    assert incident.state is State.TRIGGERED
    assert "unacknowledged" in [e.kind for e in incident.timeline]
    assert len(receiver.on("oncall")) == 2
    assert "UNACKNOWLEDGED" in receiver.on("oncall")[-1].payload["title"]


async def test_silence_mutes_and_its_end_notifies_what_is_still_open(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    notify = NotifySettings(channels=channels(receiver, "oncall"), desktop=False)
    engine = build(tmp_path, clock, failing(), notify)
    silence = engine.silences.add(
        {"source": "api"}, at=T0, duration=timedelta(hours=1), reason="deploy", created_by="dana"
    )
    async with running(engine):
        await engine.run_checks()
        await step(engine)
        incident = engine.store.get(1)
        assert incident.has(Mark.SILENCED)
        assert receiver.on("oncall") == []
        engine.silences.expire(silence.id, at=clock.now + timedelta(minutes=10))
        clock.advance(minutes=10)
        await engine.load_silences()
        await step(engine)
    incident = engine.store.get(1)
    assert not incident.has(Mark.SILENCED)
    assert [k for k, _ in timeline(engine)][:4] == ["opened", "silenced", "unsilenced", "paged"]
    assert len(receiver.on("oncall")) == 1


async def test_a_storm_of_200_incidents_is_one_message_per_channel(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    notify = NotifySettings(channels=channels(receiver, "oncall", "email"), desktop=False)
    checks = {
        f"web-{n:03d}": Scripted(watch(f"web-{n:03d}"), lambda: "connection refused")
        for n in range(200)
    }
    engine = build(tmp_path, clock, checks, notify, hold_seconds=0.5)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
    assert len(engine.store.unclosed()) == 200
    for name in ("oncall", "email"):
        (grouped,) = receiver.on(name)
        assert "200" in grouped.payload["title"] + grouped.payload["message"]


async def test_a_dead_receiver_does_not_slow_the_engine(tmp_path: Path) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # accepts, never answers
    port = listener.getsockname()[1]
    clock = Clock()
    notify = NotifySettings(
        channels=(Channel("oncall", f"json://127.0.0.1:{port}/hook?rto=30&cto=30"),), desktop=False
    )
    fast = Scripted(watch("fast", interval=0.05), lambda: 1.0)
    checks = failing() | {"fast": fast}
    engine = build(tmp_path, clock, checks, notify)
    await engine.start(schedule=False)
    try:
        await engine.run_checks()
        engine.tick()
        started = asyncio.get_running_loop().time()
        for _ in range(20):
            await engine.run_checks()
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        loop = asyncio.get_running_loop()
        stopping = loop.time()
        await asyncio.wait_for(engine.stop(), 20)
        stopped_after = loop.time() - stopping
        listener.close()
    assert fast.calls >= 21
    assert elapsed < 2.0
    # Stopping is bounded by the engine's drain, never by the peer's 30 s timeouts.
    assert stopped_after < 15


async def test_no_secret_in_timeline_logs_or_messages(
    tmp_path: Path, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.statuses.extend([503, 503])
    clock = Clock()
    notify = NotifySettings(channels=channels(receiver, "oncall"), desktop=False)
    engine = build(tmp_path, clock, failing(), notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
    assert SECRET not in caplog.text
    assert SECRET not in engine.store.path.read_text()
    for request in receiver.requests:
        assert SECRET not in str(request.payload)


async def test_channel_min_severity_filters(tmp_path: Path, receiver: Receiver) -> None:
    clock = Clock()
    notify = NotifySettings(
        channels=channels(receiver, "pager", min_severity=Severity.CRITICAL)
        + channels(receiver, "chat"),
        desktop=False,
    )
    box = {"box": Scripted(watch("box", interval=DAY, warning=50, critical=90), lambda: 60.0)}
    engine = build(tmp_path, clock, box, notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)
    assert receiver.on("pager") == []
    assert len(receiver.on("chat")) == 1


async def test_a_new_incident_pops_up_on_the_desktop(
    tmp_path: Path, notification_daemon: NotificationDaemon
) -> None:
    """plyer's real Linux path (notify-send over a private session bus) to a mock daemon."""
    clock = Clock()
    notify = NotifySettings(desktop=True)
    engine = build(tmp_path, clock, failing(), notify, desktop=DesktopNotifier())
    async with running(engine):
        assert engine.status.get("desktop") is None
        await engine.run_checks()
        await step(engine)
    (call,) = notification_daemon.wait_for_calls(1)
    assert "CRITICAL api" in call
    assert "connection refused" in call


async def test_a_restart_does_not_page_again_for_what_was_already_announced(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    notify = NotifySettings(channels=channels(receiver, "oncall"), desktop=False)
    for _ in range(3):  # as from cron: a fresh process each time
        engine = build(tmp_path, clock, failing(), notify)
        await engine.run_once()
        clock.advance(minutes=1)
    assert len(receiver.on("oncall")) == 1
    assert [e.kind for e in engine.store.get(1).timeline].count("paged") == 1
