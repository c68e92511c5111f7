"""Recent changes in their own file, and "what fixed it last time" read month by month."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onwatch.incidents import Category, InvalidInput, Severity, lifecycle
from onwatch.store import ChangeStore, IncidentStore, StoreError

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def test_changes_are_kept_with_who_and_when_and_listed_since_a_time(tmp_path: Path) -> None:
    store = ChangeStore(tmp_path / "changes.json")
    first = store.add("deployed api 2.3", at=T0 - timedelta(days=8), source="api", by="ci")
    second = store.add("  raised  the pool size ", at=T0, by="dana")
    assert (first.id, second.id) == (1, 2)
    assert second.text == "raised the pool size"
    again = ChangeStore(tmp_path / "changes.json")
    assert again.list() == [first, second]
    assert again.list(T0 - timedelta(days=7)) == [second]


def test_a_refused_change_writes_nothing(tmp_path: Path) -> None:
    store = ChangeStore(tmp_path / "changes.json")
    with pytest.raises(InvalidInput):
        store.add("   ", at=T0, by="dana")
    assert not (tmp_path / "changes.json").exists()


def test_a_file_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "changes.json"
    path.write_text(json.dumps({"changes": {"x": {}}}))
    with pytest.raises(StoreError, match="not an onwatch changes file"):
        ChangeStore(path)


def test_a_boot_time_that_moved_is_recorded_once_as_a_reboot(tmp_path: Path) -> None:
    store = ChangeStore(tmp_path / "changes.json")
    boot = T0.timestamp() - 3600
    assert store.note_boot("web-01", boot, at=T0, by="onwatch") is None  # first sighting
    assert store.last_boot("web-01") == boot
    assert store.note_boot("web-01", boot, at=T0, by="onwatch") is None
    later = T0.timestamp() + 600
    change = store.note_boot("web-01", later, at=T0 + timedelta(minutes=15), by="onwatch")
    assert change is not None
    assert (change.text, change.source, change.by) == ("host rebooted", "web-01", "onwatch")
    assert change.at == T0 + timedelta(minutes=10)  # when it booted
    assert store.note_boot("web-01", later, at=T0 + timedelta(minutes=20), by="x") is None
    assert [c.text for c in ChangeStore(tmp_path / "changes.json").list()] == ["host rebooted"]


def _closed(incident_id: int, title: str, metric: str, at: datetime):
    incident = lifecycle.open_incident(
        incident_id=incident_id,
        source="web-01",
        check="local",
        metric=metric,
        title=title,
        severity=Severity.WARNING,
        category=Category.RESOURCE,
        value=91.0,
        threshold=90.0,
        at=at,
    )
    return lifecycle.close(
        incident, by="dana", at=at + timedelta(minutes=30), note=f"fixed {incident_id}"
    )


def _write_archive(store: IncidentStore, month: str, incidents) -> Path:
    from onwatch.incidents.codec import incident_to_dict

    path = store.archive_path(month)
    records = {str(i.id): incident_to_dict(i) for i in incidents}
    path.write_text(json.dumps({"incidents": records}))
    return path


def test_similar_reads_the_newest_months_and_stops_at_three_of_the_fingerprint(
    tmp_path: Path,
) -> None:
    store = IncidentStore(tmp_path / "incidents.json")
    november = [
        _closed(n, "local cpu 95% above warning 90%", "cpu", T0 - timedelta(days=n))
        for n in (1, 2, 3, 4)
    ]
    _write_archive(store, "2026-11", november)
    # An older month that is not even readable: it is never opened, the newest one sufficed.
    store.archive_path("2026-10").write_text("{ not json")
    now = dataclasses.replace(_closed(9, "local cpu 97% above warning 90%", "cpu", T0), id=9)
    found = store.similar(now)
    assert [p.id for p in found] == [1, 2, 3]
    assert all(p.same_fingerprint and p.resolution.startswith("fixed") for p in found)
    assert found[0].lasted == timedelta(minutes=30)


def test_similar_fills_up_with_titles_on_the_same_source_across_months(tmp_path: Path) -> None:
    store = IncidentStore(tmp_path / "incidents.json")
    _write_archive(
        store, "2026-11", [_closed(5, "local disk / full", "disk", T0 - timedelta(days=3))]
    )
    _write_archive(
        store,
        "2026-09",
        [
            _closed(2, "local memory 95% above warning 90%", "memory", T0 - timedelta(days=70)),
            _closed(1, "local cpu 95% above warning 90%", "cpu", T0 - timedelta(days=75)),
        ],
    )
    now = _closed(9, "local memory 97% above warning 90%", "memory", T0)
    found = store.similar(now)
    assert [(p.id, p.same_fingerprint) for p in found] == [(2, True), (1, False)]


def test_similar_passes_over_newer_months_whose_incidents_all_opened_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = IncidentStore(tmp_path / "incidents.json")
    _write_archive(
        store,
        "2026-11",
        [_closed(7, "local cpu 99% above warning 90%", "cpu", T0 + timedelta(days=5))],
    )
    _write_archive(
        store,
        "2026-10",
        [_closed(3, "local cpu 96% above warning 90%", "cpu", T0 - timedelta(days=2))],
    )
    read: list[str] = []
    rows = store.summaries.rows

    def recording(month: str, **where: str | None) -> list:
        read.append(month)
        return rows(month, **where)

    monkeypatch.setattr(store.summaries, "rows", recording)
    now = dataclasses.replace(_closed(9, "local cpu 97% above warning 90%", "cpu", T0), id=9)
    found = store.similar(now)
    assert [p.id for p in found] == [3]
    assert read == ["2026-10"], "November's incidents all opened after this one"
    assert store.summaries.header("2026-11").opened == (
        (T0 + timedelta(days=5)).timestamp(),
        (T0 + timedelta(days=5)).timestamp(),
    )
