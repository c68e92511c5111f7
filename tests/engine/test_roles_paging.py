"""Roles in the engine: steps naming roles, hand-overs and closures, delivered for real to
json:// receivers on 127.0.0.1, with time moved by a fake clock instead of slept through."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from onwatch.config import parse_config
from onwatch.engine.operations import Operations
from onwatch.engine.specs import NotifySettings
from onwatch.incidents.people import Role
from onwatch.notify import Channel
from onwatch.store import IncidentStore
from tests.engine.test_paging import Clock, build, failing, running, step, timeline
from tests.support.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def seed_config(receiver: Receiver) -> NotifySettings:
    # The shape of the example the project started from, with a "roles" object added.
    seed = {
        "alertCriteria": {"cpuThreshold": 80, "memoryThreshold": 75},
        "notification": {"channels": ["email", "slack"], "escalation": ["teamLead", "ITSupport"]},
        "roles": {
            "teamLead": {"members": ["ana"], "notify": [receiver.url("lead")]},
            "ITSupport": {"members": ["carl"], "notify": [receiver.url("it")]},
        },
    }
    config = parse_config(json.dumps(seed), "seed.json", {})
    return dataclasses.replace(config.notify, desktop=False)


async def test_seed_json_escalates_to_team_lead_then_it_support(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    engine = build(tmp_path, clock, failing(), seed_config(receiver))
    async with running(engine):
        await engine.run_checks()
        await step(engine)
        assert len(receiver.on("lead")) == 1
        assert receiver.on("it") == []
        clock.advance(minutes=15)
        await step(engine)
    assert len(receiver.on("lead")) == 1
    (it,) = receiver.on("it")
    assert it.payload["title"].startswith("ESCALATED")
    notes = [note for _, note in timeline(engine)]
    assert "notified teamLead" in notes and "notified ITSupport" in notes
    assert not any("127.0.0.1" in note for note in notes)


def settings(receiver: Receiver, *, resolved: bool = False) -> NotifySettings:
    """A desk channel, the service desk told through it, IT support at its own address."""
    roles = (
        Role("service_desk", ("ana",), ("desk",)),
        Role("it_support", ("carl",), (receiver.url("it"),)),
    )
    desk = Channel("desk", receiver.url("desk"), send_resolved=resolved)
    return NotifySettings(channels=(desk,), roles=roles, desktop=False)


def elsewhere(engine_store: IncidentStore, clock: Clock) -> Operations:
    """What `onwatch incidents ...` in another shell does: its own store object, same file."""
    store = IncidentStore(engine_store.path)
    return Operations(store, clock=clock, operator="ana", roles=["service_desk", "it_support"])


async def test_a_hand_over_written_elsewhere_reaches_the_role_exactly_once(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    engine = build(tmp_path, clock, failing(), settings(receiver))
    async with running(engine):
        await engine.run_checks()
        await step(engine)
        elsewhere(engine.store, clock).hand_over(1, "it_support", note="needs a DBA")
        await engine.poll_store()
        await step(engine)
        clock.advance(minutes=5)
        await engine.poll_store()
        await step(engine)
    (message,) = receiver.on("it")
    assert message.payload["title"].startswith("HANDED OVER")
    assert "handed over to it_support: needs a DBA" in message.payload["message"]
    assert ("notify", "notified it_support") in timeline(engine)


async def test_a_close_tells_the_reporter_the_resolution_and_how_long_it_lasted(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    engine = build(tmp_path, clock, {}, settings(receiver, resolved=True))
    async with running(engine):
        ops = elsewhere(engine.store, clock)
        ops.open_report("printer on floor 2 jams", reporter=receiver.url("reporter"))
        await engine.poll_store()
        await engine.settle()
        clock.advance(hours=2, minutes=5)
        ops.close(1, note="replaced the fuser unit")
        await engine.poll_store()
        await engine.settle()
    (told,) = receiver.on("reporter")
    assert told.payload["title"].startswith("CLOSED")
    assert "resolution: replaced the fuser unit" in told.payload["message"]
    assert "lasted 2h05m" in told.payload["message"]
    assert len(receiver.on("desk")) == 1  # send_resolved: the desk hears of the close too
    outcomes = [note for kind, note in timeline(engine) if kind == "notify"]
    assert sorted(outcomes) == ["notified desk", "notified reporter"]


async def test_closed_incidents_are_forgotten_and_what_is_written_on_them_later_tells_nobody(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    engine = build(tmp_path, clock, {}, settings(receiver, resolved=True))
    async with running(engine):
        ops = elsewhere(engine.store, clock)
        for n in range(5):
            ops.open_report(f"printer {n} jams")
        await engine.poll_store()
        await engine.settle()
        for incident_id in (1, 2, 3):
            engine.publish_change(engine.operations.close(incident_id, note="new fuser"))
        await engine.settle()
        # Only what is still unclosed is remembered: a day of closes does not pile up.
        assert len(engine.pager.handled) == 2
        engine.publish_change(engine.operations.note(2, "the fuser came from stock"))
        await engine.settle()
    closes = [m for m in receiver.on("desk") if m.payload["title"].startswith("CLOSED")]
    assert len(closes) == 3, "each close told once: neither its outcome nor a later note repeats it"
    outcomes = [note for kind, note in timeline(engine, 2) if kind == "notify"]
    assert outcomes == ["notified desk"]


async def test_without_channels_the_timeline_says_nobody_was_notified(tmp_path: Path) -> None:
    clock = Clock()
    engine = build(tmp_path, clock, failing(), NotifySettings(desktop=False))
    async with running(engine):
        await engine.run_checks()
        await step(engine)
    paged = [note for kind, note in timeline(engine) if kind == "paged"]
    assert paged == ["step 1/1: nobody notified: no channels configured"]
