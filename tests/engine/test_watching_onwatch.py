"""Watching onwatch itself, in the engine: own-health incidents, drills and automated actions,
with real apprise deliveries to a receiver on 127.0.0.1, real subprocesses and a fake clock."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from onwatch.engine import Engine, EngineOptions, EngineSettings, utc_now
from onwatch.engine.notifying import Notifications
from onwatch.engine.own_health import HealthBounds
from onwatch.engine.specs import Action, NotifySettings, Watch
from onwatch.incidents import Category, EntryKind, Mark, Priority, Severity, State
from onwatch.incidents.escalation import EscalationPolicy, Step
from onwatch.notify import Channel, DesktopNotifier
from onwatch.store import IncidentStore, SilenceStore
from tests.engine.conftest import Scripted, wait_for, watch
from tests.engine.test_paging import DAY, Clock, running, step
from tests.support.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(
    tmp_path: Path,
    clock: Clock,
    checks: dict[str, Scripted],
    notify: NotifySettings,
    **settings: object,
) -> Engine:
    store = IncidentStore(tmp_path / "incidents.json")
    engine_settings = EngineSettings(
        watches=tuple(c.watch for c in checks.values()), notify=notify, **settings
    )
    return Engine(
        engine_settings,
        store,
        operator="dana",
        clock=clock,
        build_collector=lambda w: checks[w.name],
        options=EngineOptions(health=HealthBounds(disk_min_free=0.0)),
        notifications=Notifications(
            notify, clock, hold_seconds=0.05, retry_delays=(0.05, 0.05, 0.05)
        ),
        silences=SilenceStore(tmp_path / "silences.json"),
    )


def kinds(engine: Engine, incident_id: int) -> list[str]:
    return [str(e.kind) for e in engine.store.get(incident_id).timeline]


async def test_a_dead_channel_raises_an_onwatch_incident_that_reaches_the_other_channel(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    dead = Channel("pager", f"json://127.0.0.1:{dead_port()}/hook")
    notify = NotifySettings(channels=(dead, Channel("chat", receiver.url("chat"))), desktop=False)
    checks = {"api": Scripted(watch("api", interval=DAY), lambda: "connection refused")}
    engine = build(tmp_path, clock, checks, notify)
    async with running(engine):
        await engine.run_checks()
        await step(engine)  # the api incident goes to both: chat takes it, pager refuses
        await wait_for(lambda: "pager" in engine.notifications.dispatcher.failing)
        await engine.self_check()
        await step(engine)
        assert not [i for i in engine.store.unclosed() if i.source == "onwatch"]

        clock.advance(minutes=10)
        await engine.self_check()
        await step(engine)
        await engine.settle()

        (own,) = [i for i in engine.store.unclosed() if i.check == "channels"]
        assert own.source == "onwatch" and own.metric == "pager"
        assert own.category is Category.MONITORING and own.priority is Priority.P1
        assert "pager deliveries failing for 10m" in own.title
        assert "connection error" in own.title
        told = [r.payload for r in receiver.on("chat") if f"#{own.id}" in r.payload["message"]]
        assert told, "the failing channel's incident must reach the other channel"
        notes = [e.note for e in own.timeline if e.kind == EntryKind.NOTIFY]
        assert "notified chat" in notes
        assert not any(note.startswith("pager") for note in notes), notes


async def test_a_drill_pages_with_drill_in_the_message_escalates_and_resolves_by_itself(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    channels = tuple(Channel(n, receiver.url(n), send_resolved=True) for n in ("oncall", "lead"))
    policy = EscalationPolicy(
        "api",
        {"source": "api"},
        (Step(timedelta(0), ("oncall",)), Step(timedelta(minutes=5), ("lead",))),
    )
    notify = NotifySettings(channels=channels, policies=(policy,), desktop=False)
    checks = {"api": Scripted(watch("api", interval=DAY), lambda: 1.0)}
    engine = build(tmp_path, clock, checks, notify)
    async with running(engine):
        change = await asyncio.to_thread(
            engine.operations.drill,
            source="api",
            check="api",
            severity=Severity.CRITICAL,
            lasting=timedelta(minutes=12),
        )
        drill_id = change.incident.id
        await engine.reload()
        await step(engine)
        (paged,) = receiver.on("oncall")
        assert "DRILL" in paged.payload["title"] and "DRILL" in paged.payload["message"]
        assert not receiver.on("lead")

        clock.advance(minutes=5)
        await step(engine)
        (escalated,) = receiver.on("lead")
        assert "DRILL" in escalated.payload["title"]

        clock.advance(minutes=2)
        await asyncio.to_thread(engine.operations.acknowledge, drill_id)
        await engine.reload()
        clock.advance(minutes=5)
        await step(engine)
        await step(engine)

    drill = engine.store.get(drill_id)
    assert drill.has(Mark.DRILL) and drill.title.startswith("DRILL")
    assert drill.state is State.RESOLVED
    assert drill.resolved_at == drill.created_at + timedelta(minutes=12)
    (result,) = [e.note for e in drill.timeline if e.note.startswith("drill over")]
    assert result == "drill over: acknowledged after 7m, resolved after 12m"
    assert any("RESOLVED" in r.payload["title"] for r in receiver.on("oncall"))


def _actions_watch(*actions: Action) -> dict[str, Scripted]:
    base = watch("api", interval=DAY)
    with_actions = Watch(base.probe, base.interval, base.rules, actions=actions)
    return {"api": Scripted(with_actions, lambda: "connection refused")}


async def test_an_action_receives_the_incident_in_its_environment(tmp_path: Path) -> None:
    out = tmp_path / "got"
    script = tmp_path / "act.py"
    script.write_text(
        "import os, sys\n"
        f"open({str(out)!r}, 'w').write(os.environ['ONWATCH_INCIDENT_ID'] + ' '"
        " + os.environ['ONWATCH_EVENT'] + ' ' + os.environ['ONWATCH_CHECK'])\n"
        "print('restarted nginx, token=hunter2-secret-token')\n"
        "sys.exit(3)\n"
    )
    action = Action("critical", (sys.executable, str(script)), timedelta(seconds=30))
    notify = NotifySettings(
        channels=(Channel("chat", "json://127.0.0.1:9/h?token=hunter2-secret-token"),),
        desktop=False,
    )
    engine = build(tmp_path, Clock(), _actions_watch(action), notify)
    async with running(engine):
        await engine.run_checks()
        await engine.settle()
        await engine.actions_idle()
    (incident,) = engine.store.unclosed()
    assert out.read_text() == f"{incident.id} critical api"
    (entry,) = [e for e in incident.timeline if e.kind == EntryKind.ACTION]
    assert entry.note.startswith(f"critical: {sys.executable} {script}: exit 3 after ")
    assert "restarted nginx" in entry.note
    assert "hunter2-secret-token" not in entry.note


async def test_a_hanging_action_is_killed_at_its_timeout_and_the_timeline_says_so(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "child.pid"
    # A child of its own too: the whole process group goes.
    command = f"sleep 60 & echo $! > {marker}; wait"
    action = Action("open", (command,), timedelta(seconds=1), shell=True)
    engine = build(tmp_path, Clock(), _actions_watch(action), NotifySettings(desktop=False))
    async with running(engine):
        await engine.run_checks()
        await engine.settle()
        async with asyncio.timeout(20):
            await engine.actions_idle()
    (incident,) = engine.store.unclosed()
    (entry,) = [e for e in incident.timeline if e.kind == EntryKind.ACTION]
    assert entry.note == f"open: {command}: killed after 1s (timeout)"
    child = int(marker.read_text())
    await wait_for(lambda: not Path(f"/proc/{child}").exists() or _zombie(child), within=10)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


async def test_actions_skip_drills_unless_they_say_so(tmp_path: Path) -> None:
    log = tmp_path / "ran"
    plain = Action("open", ("sh", "-c", f"echo plain >> {log}"))
    drilled = Action("open", ("sh", "-c", f"echo drill >> {log}"), drill=True)
    engine = build(tmp_path, Clock(), _actions_watch(plain, drilled), NotifySettings(desktop=False))
    async with running(engine):
        await asyncio.to_thread(engine.operations.drill, source="api", check="api")
        await engine.reload()
        await engine.actions_idle()
    assert log.read_text() == "drill\n"


async def test_only_the_engine_that_was_started_runs_actions(tmp_path: Path) -> None:
    log = tmp_path / "ran"
    action = Action("open", ("sh", "-c", f"echo ran >> {log}"))
    follower = build(tmp_path, Clock(), _actions_watch(action), NotifySettings(desktop=False))
    await follower.follow()
    try:
        await asyncio.to_thread(follower.operations.drill, source="api", check="api")
        await follower.reload()
        await follower.actions_idle()
    finally:
        await follower.stop()
    assert not log.exists()


@pytest.mark.parametrize("asked", [True, False])
async def test_desktop_notifications_unavailable_while_configured_is_a_warning_incident(
    tmp_path: Path, asked: bool
) -> None:
    """Only when the config asks for popups: the built-in default alone promises nothing."""
    clock = Clock()
    notify = NotifySettings(desktop=True, desktop_asked=asked)
    engine = Engine(
        EngineSettings(notify=notify),
        IncidentStore(tmp_path / "incidents.json"),
        operator="dana",
        clock=clock,
        options=EngineOptions(health=HealthBounds(disk_min_free=0.0)),
        notifications=Notifications(
            notify, clock, desktop=DesktopNotifier(environ={}), hold_seconds=0.05
        ),
    )
    async with running(engine):
        await engine.self_check()
        await engine.settle()
    if not asked:
        assert engine.store.unclosed() == []
        return
    (own,) = engine.store.unclosed()
    assert (own.source, own.check, own.metric) == ("onwatch", "desktop", "up")
    assert own.severity is Severity.WARNING and own.category is Category.MONITORING
    assert "no D-Bus session" in own.title


async def test_checks_starting_late_raise_a_scheduler_incident(tmp_path: Path) -> None:
    # One slot for two slow checks every 0.1 s: each waits for the other, later and later.
    checks = {
        name: Scripted(watch(name, interval=0.1), lambda: 1.0, delay=0.3) for name in ("a", "b")
    }
    notify = NotifySettings(desktop=False)
    engine = Engine(
        EngineSettings(watches=tuple(c.watch for c in checks.values()), notify=notify),
        IncidentStore(tmp_path / "incidents.json"),
        operator="dana",
        build_collector=lambda w: checks[w.name],
        options=EngineOptions(
            max_in_flight=1, health=HealthBounds(lag_seconds=0.2, disk_min_free=0.0)
        ),
        notifications=Notifications(notify, utc_now, hold_seconds=0.05),
    )
    await engine.start()
    try:
        await wait_for(lambda: max(engine.lags, default=0) > 0.2)
        assert await engine.unhealthy() is not None  # the heartbeat would hold back
        await engine.self_check()
        await engine.settle()
        (own,) = [i for i in engine.store.unclosed() if i.source == "onwatch"]
        assert (own.check, own.metric, own.severity) == ("scheduler", "lag", Severity.CRITICAL)
        assert "late (bound 0.2s)" in own.title
    finally:
        await engine.stop()
