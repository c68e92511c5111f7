"""`onwatch stats`, `incidents export` and paged `incidents list`, as real subprocesses over a
store with several archive months, an open incident and a drill."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onwatch.incidents import (
    Category,
    EntryKind,
    Incident,
    Priority,
    Severity,
    State,
    TimelineEntry,
)
from onwatch.incidents.summary import COLUMNS
from onwatch.store import IncidentStore
from tests.e2e.conftest import Run

NOW = datetime.now(UTC)


def incident(n: int, days_ago: float, *, state: State = State.CLOSED, title: str = "") -> Incident:
    opened = NOW - timedelta(days=days_ago)
    done = state is State.CLOSED
    return Incident(
        id=n,
        fingerprint=f"web-{n % 2}/http/status",
        title=title or f"web-{n % 2} down",
        source=f"web-{n % 2}",
        check="http",
        metric="status",
        value=500.0,
        threshold=400.0,
        severity=Severity.CRITICAL if n % 3 == 0 else Severity.WARNING,
        priority=Priority.P2,
        category=Category.AVAILABILITY,
        state=state,
        escalation_level=0,
        count=1,
        created_at=opened,
        last_seen_at=opened,
        acknowledged_at=opened + timedelta(minutes=n) if done else None,
        resolved_at=opened + timedelta(minutes=10 * n) if done else None,
        closed_at=opened + timedelta(hours=1) if done else None,
        timeline=(TimelineEntry(opened, EntryKind.OPENED, "onwatch", "down"),),
    )


@pytest.fixture
def history(tmp_path: Path) -> IncidentStore:
    """Ids 1-9 closed 100, 70, ..., 2 days ago (several archive months), 10 open, 11 a drill."""
    store = IncidentStore(tmp_path / "db" / "incidents.json")
    ages = [100, 90, 70, 60, 40, 25, 12, 5, 2]
    with store.transaction() as txn:
        for n, age in enumerate(ages, start=1):
            txn.put(incident(n, age))
        txn.put(incident(10, 1, state=State.TRIGGERED))
        txn.put(incident(11, 3, title="DRILL: web failover"))
        txn.next_id()
    assert len(store.archive_months()) >= 3
    return store


def test_export_csv_has_a_header_and_every_incident_live_and_archived(
    onwatch: Run, history: IncidentStore
) -> None:
    result = onwatch("incidents", "export", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    assert tuple(rows[0]) == COLUMNS
    by_id = {int(r[0]): dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    assert sorted(by_id) == list(range(1, 11))  # the drill left out
    assert by_id[1]["state"] == "closed" and by_id[10]["state"] == "triggered"
    assert by_id[10]["closed_at"] == ""
    assert by_id[3]["severity"] == "critical"
    assert by_id[1]["created_at"] == history.get(1).created_at.isoformat().replace("+00:00", "Z")


def test_export_json_is_one_incident_per_line_and_since_counts_from_opening(
    onwatch: Run, history: IncidentStore
) -> None:
    result = onwatch("incidents", "export", "--format", "json", "--since", "30d", "--drills")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(r["id"] for r in records) == [6, 7, 8, 9, 10, 11]
    first = next(r for r in records if r["id"] == 6)
    assert first["timeline"][0]["kind"] == "opened"
    assert first == json.loads(json.dumps(first))  # one whole object on its line


def test_stats_json_counts_the_history_and_leaves_drills_out(
    onwatch: Run, history: IncidentStore
) -> None:
    result = onwatch("stats", "--json")
    assert result.code == 0, result.err
    figures = json.loads(result.out)
    assert figures["total"] == 10
    assert figures["by_source"] == {"web-0": 5, "web-1": 5}
    assert figures["by_severity"] == {"warning": 7, "critical": 3}
    # Acknowledged after 1..9 minutes: the median is 5 min, p90 (9th of 9) 9 min.
    assert figures["time_to_acknowledge"]["median_s"] == pytest.approx(300)
    assert figures["time_to_acknowledge"]["p90_s"] == pytest.approx(540)
    recent = json.loads(onwatch("stats", "--since", "30d", "--json", "--drills").out)
    assert recent["total"] == 6
    assert len(recent["per_day"]) in (30, 31)
    text = onwatch("stats", "--since", "30d")
    assert text.code == 0 and "time to acknowledge" in text.out and "web-0" in text.out


def test_list_all_is_paged_newest_first_and_continues_before_an_id(
    onwatch: Run, history: IncidentStore
) -> None:
    first = onwatch("incidents", "list", "--state", "all", "--limit", "3", "--json")
    assert first.code == 0, first.err
    assert [i["id"] for i in json.loads(first.out)] == [9, 10, 11]
    assert "--before 9" in first.err
    older = onwatch(
        "incidents", "list", "--state", "all", "--limit", "3", "--before", "9", "--json"
    )
    assert [i["id"] for i in json.loads(older.out)] == [6, 7, 8]
    recent = onwatch("incidents", "list", "--state", "closed", "--since", "30d", "--json")
    assert [i["id"] for i in json.loads(recent.out)] == [6, 7, 8, 9, 11]
    everything = onwatch("incidents", "list", "--state", "all", "--limit", "0", "--json")
    assert [i["id"] for i in json.loads(everything.out)] == list(range(1, 12))
    assert everything.err == ""


@pytest.mark.parametrize(
    "args",
    [
        ("stats", "--since", "soon"),
        ("stats", "--since", "0s"),
        ("incidents", "export", "--format", "xml"),
        ("incidents", "export"),
        ("incidents", "list", "--limit", "-1"),
    ],
)
def test_bad_history_arguments_exit_2_with_one_line(
    onwatch: Run, history: IncidentStore, args: tuple[str, ...]
) -> None:
    result = onwatch(*args)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
