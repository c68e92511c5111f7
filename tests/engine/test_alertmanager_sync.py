"""The silence sync's failure paths on a clock the test moves, against a dead port and a
stand-in Alertmanager (the real one, in tests/stack, cannot be made to fail on cue)."""

from __future__ import annotations

from pathlib import Path

from onwatch.incidents import State
from onwatch.incidents.model import EntryKind
from onwatch.store import IncidentStore
from tests.remote.server import free_port
from tests.support.alertmanager import (
    Clock,
    FakeAlertmanager,
    acknowledged_alert,
    current,
    silence_engine,
    sync_round,
)

LABELS = {"alertname": "DiskFull", "instance": "db-02:9100", "severity": "critical"}


def entries(incident) -> list[str]:
    return [e.note for e in incident.timeline if e.kind == EntryKind.ALERTMANAGER]


async def test_a_dead_alertmanager_is_said_once_on_the_timeline_and_retried(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there (yet)
    clock = Clock()
    engine = await silence_engine(
        IncidentStore(tmp_path / "i.json"), f"http://127.0.0.1:{port}", clock, token="am-secret"
    )
    fake = None
    try:
        number = await acknowledged_alert(engine, LABELS)
        await sync_round(engine)
        (note,) = entries(current(engine, number))
        assert note.startswith("could not create the Alertmanager silence (retrying, next in 5s)")
        assert "ConnectError" in note and "am-secret" not in note
        # At +6 s (after the 5 s pause) it tries again and fails; at +12 s and +18 s it is
        # inside the next, 15 s, pause and does not try. The timeline says it once.
        for _ in range(3):
            clock.advance(seconds=6)
            await sync_round(engine)
        assert len(entries(current(engine, number))) == 1
        fake = FakeAlertmanager(port=port)
        clock.advance(minutes=5)
        await sync_round(engine)
        incident = current(engine, number)
        assert incident.alertmanager_silence == "s-1"
        assert entries(incident)[-1].startswith("silenced in Alertmanager until")
        assert entries(incident)[-1].endswith("(silence s-1), after 2 failed attempts")
        (created,) = fake.calls("POST", "/api/v2/silences")
        assert created.headers["Authorization"] == "Bearer am-secret"
        assert created.body["matchers"] == [
            {"name": k, "value": v, "isRegex": False, "isEqual": True}
            for k, v in sorted(LABELS.items())
        ]
        assert created.body["createdBy"] == "onwatch"
        assert created.body["endsAt"] > created.body["startsAt"]
    finally:
        await engine.stop(within=2)
        if fake is not None:
            fake.close()


async def test_a_silenced_alert_gone_from_alertmanager_twice_resolves_and_expires(
    tmp_path: Path,
) -> None:
    fake = FakeAlertmanager()
    clock = Clock()
    engine = await silence_engine(IncidentStore(tmp_path / "i.json"), fake.url, clock, poll=10)
    try:
        number = await acknowledged_alert(engine, LABELS)
        await sync_round(engine)  # creates s-1
        fake.muting = {"s-1"}
        for _ in range(3):
            clock.advance(seconds=11)
            await sync_round(engine)
        assert current(engine, number).state is State.ACKNOWLEDGED
        assert len(fake.calls("GET", "/api/v2/alerts")) == 3
        fake.muting = set()
        clock.advance(seconds=11)
        await sync_round(engine)
        assert current(engine, number).state is State.ACKNOWLEDGED  # one miss is not enough
        clock.advance(seconds=11)
        await sync_round(engine)
        assert current(engine, number).state is State.RESOLVED
        clock.advance(seconds=1)
        await sync_round(engine)
        (expired,) = fake.calls("DELETE", "/api/v2/silence/")
        assert expired.path == "/api/v2/silence/s-1"
        incident = current(engine, number)
        assert incident.alertmanager_silence is None
        assert entries(incident)[-1] == "Alertmanager silence s-1 expired"
        assert len(fake.calls("POST", "/api/v2/silences")) == 1  # never a second silence
    finally:
        await engine.stop(within=2)
        fake.close()
