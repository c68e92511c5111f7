"""Checklists, the review, recent changes and postmortems through the real CLI: every result
read back from the store or the printed JSON, every refusal one line with its exit code."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onwatch.engine.recorder import record
from onwatch.incidents import Breach, Category, EntryKind, Severity, State, lifecycle
from onwatch.store import ChangeStore, IncidentStore
from tests.e2e.conftest import Run
from tests.e2e.test_cli_incidents import CONTEXT_FIELDS, FIELDS

CONFIG = """
[local]
checklist = ["Look at the top processes"]

[[tcp]]
name = "db"
host = "127.0.0.1"
port = 9
checklist = ["Check the replicas", "Ask the DBA | on call"]
runbook = "https://wiki.example/db"
"""


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "onwatch.toml"
    path.write_text(CONFIG)
    return str(path)


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    store = IncidentStore(tmp_path / "db" / "incidents.json")
    record(
        store,
        [
            Breach(
                source="db",
                check="db",
                metric="up",
                severity=Severity.CRITICAL,
                category=Category.AVAILABILITY,
                value=None,
                threshold=None,
                title="db: connection refused",
                at=datetime.now(UTC) - timedelta(minutes=10),
            )
        ],
    )
    return store


def _without_written(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("Written ")]


def show(onwatch: Run, config: str, incident: int = 1) -> dict:
    done = onwatch("--config", config, "incidents", "show", str(incident), "--json")
    assert done.code == 0, done.err
    return json.loads(done.out)


def test_show_lists_the_checklist_defaults_then_the_checks_items_and_runbook(
    onwatch: Run, config: str, store: IncidentStore
) -> None:
    shown = show(onwatch, config)
    assert set(shown) == FIELDS | CONTEXT_FIELDS
    assert [item["text"] for item in shown["checklist"]] == [
        "Verify the monitoring is working",
        "Check recent changes",
        "Perform health checks on the affected component",
        "Check the replicas",
        "Ask the DBA | on call",
        "Follow the runbook: https://wiki.example/db",
    ]
    assert [item["number"] for item in shown["checklist"]] == [1, 2, 3, 4, 5, 6]
    human = onwatch("--config", config, "incidents", "show", "1")
    assert "  5. [ ] Ask the DBA | on call" in human.out


def test_check_ticks_an_item_on_the_timeline_and_a_second_tick_changes_nothing(
    onwatch: Run, config: str, store: IncidentStore
) -> None:
    done = onwatch("--config", config, "incidents", "check", "1", "4", "--by", "lee", "--json")
    assert done.code == 0, done.err
    item = json.loads(done.out)["checklist"][3]
    assert (item["text"], item["done"], item["by"]) == ("Check the replicas", True, "lee")
    entry = store.get(1).timeline[-1]
    assert (entry.kind, entry.by, entry.note) == (EntryKind.CHECKED, "lee", "Check the replicas")
    length = len(store.get(1).timeline)
    again = onwatch("--config", config, "incidents", "check", "1", "4")
    assert again.code == 0, again.err
    assert len(store.get(1).timeline) == length
    assert store.get(1).checked[0].by == "lee"
    undone = onwatch("--config", config, "incidents", "check", "1", "4", "--undo")
    assert undone.code == 0, undone.err
    assert store.get(1).checked == ()
    assert store.get(1).timeline[-1].kind == EntryKind.UNCHECKED


@pytest.mark.parametrize("number", ["0", "7", "-2"])
def test_an_item_out_of_range_exits_2_and_changes_nothing(
    onwatch: Run, config: str, store: IncidentStore, number: str
) -> None:
    before = store.get(1)
    done = onwatch("--config", config, "incidents", "check", "1", number)
    assert done.code == 2
    assert done.out == ""
    assert len(done.err.strip().splitlines()) == 1
    assert "Traceback" not in done.err
    assert store.get(1) == before


def test_check_of_a_missing_incident_exits_3(onwatch: Run, config: str, store) -> None:
    done = onwatch("--config", config, "incidents", "check", "99", "1")
    assert done.code == 3, done.err


def test_review_sets_the_root_cause_and_appends_actions(
    onwatch: Run, config: str, store: IncidentStore
) -> None:
    first = onwatch(
        "--config", config, "incidents", "review", "1",
        "--root-cause", "a full disk on the primary", "--action", "alert on disk", "--action",
        "grow the volume",
    )  # fmt: skip
    assert first.code == 0, first.err
    assert first.out == "incident 1 reviewed by dana: triggered\n"
    second = onwatch(
        "--config", config, "incidents", "review", "1", "--action", "runbook", "--json"
    )
    assert second.code == 0, second.err
    shown = json.loads(second.out)
    assert shown["root_cause"] == "a full disk on the primary"
    assert shown["actions"] == ["alert on disk", "grow the volume", "runbook"]
    nothing = onwatch("--config", config, "incidents", "review", "1")
    assert nothing.code == 2
    assert "--root-cause" in nothing.err


def test_changes_are_added_listed_and_shown_near_the_incident(
    onwatch: Run, config: str, store: IncidentStore, tmp_path: Path
) -> None:
    changes = ChangeStore(tmp_path / "db" / "changes.json")
    changes.add("last month's upgrade", at=datetime.now(UTC) - timedelta(days=30), by="ci")
    added = onwatch(
        "--config", config, "change", "add", "raised max_connections | to 500", "--source", "db",
        "--json",
    )  # fmt: skip
    assert added.code == 0, added.err
    change = json.loads(added.out)
    assert (change["id"], change["source"], change["by"]) == (2, "db", "dana")
    listed = onwatch("--config", config, "change", "list", "--json")
    assert [c["id"] for c in json.loads(listed.out)] == [2]  # the last 7 days
    everything = onwatch("--config", config, "change", "list", "--since", "60d")
    assert "last month's upgrade" in everything.out and "max_connections" in everything.out
    assert [c["id"] for c in show(onwatch, config)["changes"]] == [2]
    bad = onwatch("--config", config, "change", "list", "--since", "soon")
    assert bad.code == 2 and "--since" in bad.err
    empty = onwatch("--config", config, "change", "add", "   ")
    assert empty.code == 2 and len(changes.list()) == 2


def test_what_fixed_it_last_time_comes_from_closed_incidents_of_the_same_check(
    onwatch: Run, config: str, store: IncidentStore
) -> None:
    ack = onwatch("--config", config, "incidents", "review", "1", "--root-cause", "disk full")
    assert ack.code == 0, ack.err
    closed = onwatch("--config", config, "incidents", "close", "1", "--note", "freed 20 GB")
    assert closed.code == 0, closed.err
    with store.transaction() as txn:
        again = lifecycle.open_incident(
            incident_id=txn.next_id(),
            source="db",
            check="db",
            metric="up",
            title="db: connection refused",
            severity=Severity.CRITICAL,
            category=Category.AVAILABILITY,
            value=None,
            threshold=None,
            at=datetime.now(UTC),
        )
        txn.put(again)
    similar = show(onwatch, config, again.id)["similar"]
    assert [(s["id"], s["resolution"], s["root_cause"]) for s in similar] == [
        (1, "freed 20 GB", "disk full")
    ]
    assert similar[0]["same_fingerprint"] is True


def test_postmortem_writes_markdown_to_stdout_or_a_file(
    onwatch: Run, config: str, store: IncidentStore, tmp_path: Path
) -> None:
    onwatch("--config", config, "incidents", "ack", "1")
    onwatch("--config", config, "incidents", "note", "1", "primary | replica lag")
    onwatch("--config", config, "incidents", "check", "1", "2")
    onwatch("--config", config, "incidents", "review", "1", "--root-cause", "lag", "--action", "x")
    onwatch("--config", config, "incidents", "close", "1", "--note", "failed over")
    assert store.get(1).state is State.CLOSED
    printed = onwatch("--config", config, "postmortem", "1")
    assert printed.code == 0, printed.err
    text = printed.out
    assert text.startswith("# Postmortem: incident #1: db: connection refused\n")
    for heading in (
        "## Summary", "## Owner and roles", "## Impact", "## Detection and response",
        "## Timeline", "## Notes", "## Checklist", "## Changes nearby",
        "## What fixed it last time", "## Feedback", "## Root cause", "## Action items",
    ):  # fmt: skip
        assert f"\n{heading}\n" in text
    assert "| dana | note: primary \\| replica lag |" in text
    assert "- [x] 2. Check recent changes (dana, " in text
    assert "- Time to acknowledge: " in text and "not acknowledged" not in text
    out = tmp_path / "pm.md"
    written = onwatch("--config", config, "postmortem", "1", "--output", str(out))
    assert written.code == 0, written.err
    written_text = out.read_text()
    assert written_text.startswith("# Postmortem: incident #1")
    # The same document but for the "Written <time>" line.
    assert _without_written(written_text) == _without_written(text)
    missing = onwatch("--config", config, "postmortem", "42")
    assert missing.code == 3 and "Traceback" not in missing.err
    nowhere = onwatch("--config", config, "postmortem", "1", "--output", str(tmp_path / "no" / "x"))
    assert nowhere.code == 1 and len(nowhere.err.strip().splitlines()) == 1


def test_a_bad_checklist_in_the_config_is_one_line_with_its_line_number(
    onwatch: Run, tmp_path: Path
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[local]\nchecklist = "not a list"\n')
    done = onwatch("--config", str(path), "incidents", "list")
    assert done.code == 2
    assert "bad.toml:2" in done.err and "checklist" in done.err
