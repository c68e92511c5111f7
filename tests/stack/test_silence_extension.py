"""The real Alertmanager and an in-process engine on a clock the test moves: the silence is
extended in place every 20 minutes while acknowledged, and expired when the incident closes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from onwatch.incidents import State
from onwatch.store import IncidentStore
from tests.remote.server import free_port
from tests.stack.programs import Alertmanager
from tests.support.alertmanager import (
    Clock,
    acknowledged_alert,
    current,
    silence_engine,
    sync_round,
)

pytestmark = [pytest.mark.stack, pytest.mark.timeout(300)]  # several programs on a busy machine
LABELS = {"alertname": "QueueStuck", "instance": "mq-1:9100", "severity": "warning"}


def ends_at(alertmanager: Alertmanager, silence_id: str) -> tuple[datetime, str]:
    found = httpx.get(f"{alertmanager.url}/api/v2/silence/{silence_id}", timeout=5).json()
    return datetime.fromisoformat(found["endsAt"].replace("Z", "+00:00")), found["status"]["state"]


async def test_the_silence_is_extended_while_acknowledged_and_expired_on_close(
    tmp_path: Path,
) -> None:
    alertmanager = await asyncio.to_thread(Alertmanager, tmp_path / "am", free_port())
    clock = Clock()
    engine = await silence_engine(IncidentStore(tmp_path / "i.json"), alertmanager.url, clock)
    try:
        # Firing in Alertmanager for the whole test, so onwatch's poll finds it muted.
        later = (clock.now + timedelta(hours=3)).isoformat()
        await asyncio.to_thread(alertmanager.post_alert, LABELS, ends_at=later)
        number = await acknowledged_alert(engine, LABELS)
        await sync_round(engine)
        held = current(engine, number).alertmanager_silence
        assert held
        first_end, state = await asyncio.to_thread(ends_at, alertmanager, held)
        assert state == "active"
        assert abs(first_end - (clock.now + timedelta(hours=1))) < timedelta(seconds=2)
        clock.advance(minutes=10)
        await sync_round(engine)
        assert (await asyncio.to_thread(ends_at, alertmanager, held))[0] == first_end
        clock.advance(minutes=11)
        await sync_round(engine)
        later_end, state = await asyncio.to_thread(ends_at, alertmanager, held)
        assert state == "active"
        assert later_end - first_end == timedelta(minutes=21)
        incident = current(engine, number)
        assert incident.alertmanager_silence == held  # extended in place, same id
        assert incident.state is State.ACKNOWLEDGED  # the poll found the alert firing, muted
        change = await asyncio.to_thread(engine.operations.close, number, note="drained")
        engine.publish_change(change)
        await sync_round(engine)
        assert (await asyncio.to_thread(ends_at, alertmanager, held))[1] == "expired"
        assert current(engine, number).alertmanager_silence is None
    finally:
        await engine.stop(within=2)
        await asyncio.to_thread(alertmanager.stop)
