"""Which incident changes run actions, and one run at a time per incident (real subprocesses)."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from onwatch.engine.actions import ActionRunner, action_env, events_of
from onwatch.engine.specs import Action
from onwatch.incidents import Category, Severity, lifecycle

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def opened(severity: Severity = Severity.WARNING):
    return lifecycle.open_incident(
        incident_id=3,
        source="web-01",
        check="api",
        metric="latency",
        title="api latency 2.5s above warning 2s",
        severity=severity,
        category=Category.LATENCY,
        value=2.5,
        threshold=2.0,
        at=T0,
    )


def test_events_follow_the_timeline() -> None:
    incident = opened()
    assert events_of(incident, 0) == ["open", "warning"]
    upgraded = lifecycle.upgrade(incident, Severity.CRITICAL, value=4.0, threshold=4.0, at=T0)
    assert events_of(upgraded, len(incident.timeline)) == ["critical"]
    escalated = lifecycle.escalate(upgraded, by="dana", at=T0)
    assert events_of(escalated, len(upgraded.timeline)) == ["escalate"]
    resolved = lifecycle.resolve(escalated, by="dana", at=T0)
    assert events_of(resolved, len(escalated.timeline)) == ["resolve"]
    assert events_of(opened(Severity.CRITICAL), 0) == ["open", "critical"]


def test_the_environment_carries_the_incident() -> None:
    env = action_env(opened(), "warning")
    assert env["ONWATCH_INCIDENT_ID"] == "3" and env["ONWATCH_EVENT"] == "warning"
    assert env["ONWATCH_SEVERITY"] == "warning" and env["ONWATCH_SOURCE"] == "web-01"
    assert env["ONWATCH_VALUE"] == "2.5" and env["ONWATCH_DRILL"] == "0"
    assert env["ONWATCH_STATE"] == "triggered" and env["ONWATCH_CHECK"] == "api"


async def test_one_run_at_a_time_per_incident_in_order(tmp_path: Path) -> None:
    log = tmp_path / "log"
    code = (
        "import sys, time\n"
        "name, log = sys.argv[1], sys.argv[2]\n"
        "open(log, 'a').write(f'start {name}\\n')\n"
        "time.sleep(0.3)\n"
        "open(log, 'a').write(f'end {name}\\n')\n"
    )
    script = tmp_path / "step.py"
    script.write_text(code)
    actions = tuple(
        Action("open", (sys.executable, str(script), name, str(log))) for name in ("a", "b")
    )
    notes: list[tuple[int, str]] = []
    runner = ActionRunner(lambda incident: actions, lambda i, note: notes.append((i, note)))
    runner.enabled = True
    runner.observe(opened())
    async with asyncio.timeout(30):
        await runner.idle()
    assert log.read_text().split("\n")[:-1] == ["start a", "end a", "start b", "end b"]
    assert [i for i, _ in notes] == [3, 3]
    assert all(": exit 0 after " in note for _, note in notes)


async def test_a_missing_program_is_said_on_the_timeline(tmp_path: Path) -> None:
    notes: list[str] = []
    action = Action("open", (str(tmp_path / "no-such-program"),), timedelta(seconds=5))
    runner = ActionRunner(lambda incident: (action,), lambda i, note: notes.append(note))
    runner.enabled = True
    runner.observe(opened())
    await runner.idle()
    assert notes == [f"open: {tmp_path / 'no-such-program'}: cannot run: No such file or directory"]
