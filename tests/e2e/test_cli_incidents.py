"""The incidents CLI, run as a real subprocess against a real store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from onwatch.engine.recorder import record
from onwatch.incidents import Breach, Category, Severity
from onwatch.store import IncidentStore
from tests.e2e.conftest import Run

FIELDS = {
    "id",
    "fingerprint",
    "title",
    "source",
    "check",
    "metric",
    "value",
    "threshold",
    "severity",
    "priority",
    "category",
    "state",
    "escalation_level",
    "count",
    "created_at",
    "last_seen_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "timeline",
    "marks",
    "labels",
    "owner",
    "incident_manager",
    "reporter",
    "reports",
    "description",
    "feedback",
    "annotations",
    "alertmanager_silence",
    "evidence",
    # checklists and review
    "checked",
    "root_cause",
    "actions",
    "peak",
}
CONTEXT_FIELDS = {"checklist", "changes", "similar"}
"""What `show --json` (and an action's --json) adds to the incident: `incidents.context`."""


@pytest.fixture
def seeded(tmp_path: Path) -> IncidentStore:
    store = IncidentStore(tmp_path / "db" / "incidents.json")
    at = datetime.now(UTC)
    record(
        store,
        [
            Breach(
                source="web-01",
                check="local",
                metric="cpu",
                severity=Severity.CRITICAL,
                category=Category.RESOURCE,
                value=97.0,
                threshold=80.0,
                title="local cpu 97% above critical 80%",
                at=at,
            ),
            Breach(
                source="api",
                check="api",
                metric="up",
                severity=Severity.CRITICAL,
                category=Category.AVAILABILITY,
                value=None,
                threshold=None,
                title="api: connection refused",
                at=at,
            ),
        ],
    )
    return store


def test_list_shows_open_incidents(onwatch: Run, seeded: IncidentStore) -> None:
    result = onwatch("incidents", "list")
    assert result.code == 0, result.err
    assert "local cpu 97% above critical 80%" in result.out
    assert "api: connection refused" in result.out


def test_list_json_is_an_array_of_incidents_with_the_documented_fields(
    onwatch: Run, seeded
) -> None:
    result = onwatch("incidents", "list", "--json")
    assert result.code == 0
    incidents = json.loads(result.out)
    assert [i["id"] for i in incidents] == [1, 2]
    assert all(set(i) == FIELDS for i in incidents)
    assert incidents[1]["priority"] == "P1"
    assert incidents[0]["timeline"][0]["kind"] == "opened"


def test_ack_then_show_records_the_operator(onwatch: Run, seeded) -> None:
    result = onwatch("incidents", "ack", "1", "--note", "on it")
    assert result.code == 0, result.err
    shown = json.loads(onwatch("incidents", "show", "1", "--json").out)
    assert shown["state"] == "acknowledged"
    last = shown["timeline"][-1]
    assert (last["kind"], last["by"], last["note"]) == ("acknowledged", "dana", "on it")
    assert last["at"].endswith("Z")


def test_action_json_prints_the_incident_as_show_would(onwatch: Run, seeded) -> None:
    acted = json.loads(onwatch("incidents", "escalate", "2", "--by", "lee", "--json").out)
    shown = json.loads(onwatch("incidents", "show", "2", "--json").out)
    assert acted == shown
    assert shown["escalation_level"] == 1


def test_close_moves_it_out_of_the_open_list_and_reopen_brings_it_back(
    onwatch: Run, seeded
) -> None:
    assert onwatch("incidents", "close", "1", "--note", "fixed").code == 0
    open_ids = [i["id"] for i in json.loads(onwatch("incidents", "list", "--json").out)]
    closed = json.loads(onwatch("incidents", "list", "--state", "closed", "--json").out)
    assert open_ids == [2]
    assert [i["id"] for i in closed] == [1]
    assert onwatch("incidents", "reopen", "1").code == 0
    assert json.loads(onwatch("incidents", "show", "1", "--json").out)["state"] == "triggered"


def test_note_and_priority(onwatch: Run, seeded) -> None:
    assert onwatch("incidents", "note", "1", "rebooted the box").code == 0
    assert onwatch("incidents", "priority", "1", "p1").code == 0
    shown = json.loads(onwatch("incidents", "show", "1", "--json").out)
    assert shown["priority"] == "P1"
    assert [e["kind"] for e in shown["timeline"]][-2:] == ["note", "priority"]


def test_show_human_output_has_the_timeline(onwatch: Run, seeded) -> None:
    result = onwatch("incidents", "show", "2")
    assert "timeline:" in result.out
    assert "opened" in result.out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("incidents", "show", "99"), 3, "no incident 99"),
        (("incidents", "ack", "99"), 3, "no incident 99"),
        (("incidents", "show", "abc"), 2, "positive integers"),
        (("incidents", "list", "--state", "sleeping"), 2, "invalid choice"),
        (("incidents", "note", "1", "   "), 2, "needs some text"),
        (("incidents", "frobnicate", "1"), 2, "invalid choice"),
        (("incidents", "priority", "1", "P9"), 2, "invalid choice"),
    ],
)
def test_user_errors_are_one_line_with_the_documented_exit_code(
    onwatch: Run, seeded, args, code, message
) -> None:
    result = onwatch(*args)
    assert result.code == code
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_forbidden_transition_exits_4_and_changes_nothing(onwatch: Run, seeded) -> None:
    onwatch("incidents", "close", "1")
    before = onwatch("incidents", "show", "1", "--json").out
    result = onwatch("incidents", "ack", "1")
    assert result.code == 4
    assert "cannot acknowledge incident 1: it is closed" in result.err
    assert onwatch("incidents", "show", "1", "--json").out == before


def test_unreadable_db_is_a_one_line_runtime_failure_and_is_not_touched(
    onwatch: Run, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "incidents.json"
    db.parent.mkdir()
    db.write_text("garbage")
    result = onwatch("incidents", "list")
    assert result.code == 1
    assert str(db) in result.err
    assert "Traceback" not in result.err
    assert db.read_text() == "garbage"


def test_db_option_works_after_the_subcommand(onwatch: Run, tmp_path: Path, seeded) -> None:
    other = tmp_path / "other.json"
    result = onwatch("incidents", "list", "--json", "--db", str(other))
    assert result.code == 0
    assert json.loads(result.out) == []


def test_python_dash_m_and_help(onwatch: Run) -> None:
    result = onwatch("--help")
    assert result.code == 0
    assert "incidents" in result.out and "check-config" in result.out
