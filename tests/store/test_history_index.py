"""The archive's summaries: lookups by id, paging, parts, and rebuilding what is lost or stale."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from onwatch.incidents import (
    Category,
    EntryKind,
    Incident,
    Priority,
    Severity,
    State,
    TimelineEntry,
    lifecycle,
)
from onwatch.incidents.codec import incident_to_dict
from onwatch.store import IncidentStore, NotFound, transaction
from onwatch.store.storage import write_json_atomic

START = datetime(2026, 9, 1, tzinfo=UTC)


def closed(n: int, *, month_offset: int = 0, fingerprint: str = "") -> Incident:
    opened = START + timedelta(days=31 * month_offset, hours=n)
    return Incident(
        id=n,
        fingerprint=fingerprint or f"host/check/m{n % 3}",
        title=f"incident {n}",
        source="host",
        check="check",
        metric=f"m{n % 3}",
        value=1.0,
        threshold=0.5,
        severity=Severity.WARNING,
        priority=Priority.P3,
        category=Category.RESOURCE,
        state=State.CLOSED,
        escalation_level=0,
        count=1,
        created_at=opened,
        last_seen_at=opened,
        acknowledged_at=opened + timedelta(minutes=5),
        resolved_at=opened + timedelta(minutes=30),
        closed_at=opened + timedelta(hours=1),
        timeline=(TimelineEntry(opened, EntryKind.OPENED, "onwatch", "opened"),),
    )


def archive(store: IncidentStore, incidents: list[Incident]) -> None:
    with store.transaction() as txn:
        for incident in incidents:
            txn.put(incident)


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "db" / "incidents.json")


def summaries(store: IncidentStore) -> list[Path]:
    return sorted(store.path.parent.glob("incidents-summary-*.jsonl"))


def test_archiving_writes_a_summary_per_archive_and_lookups_use_it(store: IncidentStore) -> None:
    archive(store, [closed(n, month_offset=n % 3) for n in range(1, 31)])
    assert [p.name for p in summaries(store)] == [
        "incidents-summary-2026-09.jsonl",
        "incidents-summary-2026-10.jsonl",
        "incidents-summary-2026-11.jsonl",
    ]
    assert store.get(17) == closed(17, month_offset=17 % 3)
    with pytest.raises(NotFound):
        store.get(31)
    found = [s.id for s in store.archived_summaries(fingerprint="host/check/m1")]
    assert found == list(range(28, 0, -3))


def test_history_is_newest_first_and_honours_since(store: IncidentStore) -> None:
    archive(store, [closed(n, month_offset=n % 3) for n in range(1, 31)])
    ids = [s.id for s in store.archived_summaries()]
    assert sorted(ids) == list(range(1, 31)) and len(ids) == 30
    since = START + timedelta(days=62)  # only month 2 (offset 2): ids 2, 5, ..., 29
    assert {s.id for s in store.history(since)} == set(range(2, 31, 3))


def test_same_fingerprint_lookup_finds_only_that_series(store: IncidentStore) -> None:
    archive(store, [closed(n, month_offset=n % 2) for n in range(1, 13)])
    found = [s.id for s in store.archived_summaries(fingerprint="host/check/m1")]
    assert sorted(found) == [1, 4, 7, 10]
    earlier = [s.id for s in store.archived_summaries(fingerprint="host/check/m1", before=7)]
    assert sorted(earlier) == [1, 4]


def test_page_returns_the_newest_and_continues_before_an_id(store: IncidentStore) -> None:
    archive(store, [closed(n, month_offset=n % 3) for n in range(1, 31)])
    reopened = store.update(5, lambda i: lifecycle.reopen(i, by="dana", at=datetime.now(UTC)))
    assert reopened.state is State.TRIGGERED
    first = store.page(None, limit=4)
    assert [i.id for i in first] == [27, 28, 29, 30]
    older = store.page(None, limit=4, before=first[0].id)
    assert [i.id for i in older] == [23, 24, 25, 26]
    everything = store.page(None, limit=100)
    assert [i.id for i in everything] == list(range(1, 31))
    assert next(i for i in everything if i.id == 5).state is State.TRIGGERED
    assert [i.id for i in store.page({State.TRIGGERED}, limit=10)] == [5]
    assert [i.id for i in store.page({State.CLOSED}, limit=2, before=6)] == [3, 4]


def test_a_deleted_summary_is_rebuilt_from_its_archive(store: IncidentStore) -> None:
    archive(store, [closed(n, month_offset=n % 2) for n in range(1, 11)])
    before = list(store.archived_summaries())
    for path in summaries(store):
        path.unlink()
    reopened = IncidentStore(store.path)
    assert reopened.get(4) == closed(4, month_offset=0)
    assert list(reopened.archived_summaries()) == before
    assert len(summaries(reopened)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json\n",
        b'{"format": 1, "month": "2026-09", "archive": [1, 2, 3], "ids": [], "count": 0}\n',
        b"{}\n{}\n",
    ],
)
def test_a_corrupt_or_stale_summary_is_rebuilt(store: IncidentStore, damage: bytes) -> None:
    archive(store, [closed(n) for n in range(1, 6)])
    before = list(store.archived_summaries())
    path = summaries(store)[0]
    path.write_bytes(damage)
    assert list(store.archived_summaries()) == before
    assert store.get(3) == closed(3)
    assert orjson.loads(path.read_bytes().splitlines()[0])["count"] == 5


def test_a_crash_between_archive_and_summary_leaves_a_stale_summary_that_is_rebuilt(
    store: IncidentStore,
) -> None:
    archive(store, [closed(n) for n in range(1, 6)])
    path = summaries(store)[0]
    old_summary = path.read_bytes()
    # The archive changes (6 joins) but the summary is put back as it was: as if the writer
    # died after replacing the archive and before replacing its summary.
    archive(store, [closed(6)])
    path.write_bytes(old_summary)
    assert sorted(s.id for s in store.archived_summaries()) == [1, 2, 3, 4, 5, 6]
    assert store.get(6) == closed(6)


def test_a_month_fills_parts_and_every_incident_stays_findable(
    store: IncidentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transaction, "PART_SIZE", 3)
    archive(store, [closed(n) for n in range(1, 11)])
    assert store.archive_months() == ["2026-09-p4", "2026-09-p3", "2026-09-p2", "2026-09"]
    assert [store.get(n).id for n in range(1, 11)] == list(range(1, 11))
    assert [i.id for i in store.list({State.CLOSED})] == list(range(1, 11))
    # Changing an archived incident keeps it in its part, never a second copy elsewhere.
    noted = lifecycle.add_note(store.get(2), by="dana", at=START, note="late note")
    archive(store, [noted])
    assert [i.id for i in store.list({State.CLOSED})] == list(range(1, 11))
    assert store.get(2).notes[-1].note == "late note"


def test_an_older_store_with_whole_month_archives_loads_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layout before summaries and parts: a live file and one archive file a month."""
    monkeypatch.setattr(transaction, "PART_SIZE", 4)
    db = tmp_path / "old" / "incidents.json"
    db.parent.mkdir()
    old = [closed(n, month_offset=n % 2) for n in range(1, 11)]
    for offset, month in ((0, "2026-09"), (1, "2026-10")):
        records = {str(i.id): incident_to_dict(i) for i in old if i.id % 2 == offset}
        write_json_atomic(db.with_name(f"incidents-archive-{month}.json"), {"incidents": records})
    write_json_atomic(db, {"incidents": {}, "meta": {"1": {"format": 1, "next_id": 11}}})

    store = IncidentStore(db)
    assert store.get(4) == old[3]
    at = datetime.now(UTC)
    store.update(4, lambda i: lifecycle.reopen(i, by="dana", at=at))
    # Closing it again in September puts it in a new part: the old file already holds 5 > 4.
    closed_again = dataclasses.replace(
        lifecycle.close(store.get(4), by="dana", at=at), closed_at=START + timedelta(days=2)
    )
    archive(store, [closed_again])
    assert "2026-09-p2" in store.archive_months()
    assert store.get(4).closed_at == START + timedelta(days=2)
    for incident in old:
        if incident.id != 4:
            assert store.get(incident.id) == incident
    assert sorted(i.id for i in store.list({State.CLOSED})) == list(range(1, 11))
    with store.transaction() as txn:
        assert txn.next_id() == 11


def test_putting_an_archived_incident_without_reading_it_moves_it(
    store: IncidentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transaction, "PART_SIZE", 2)
    archive(store, [closed(n) for n in range(1, 5)])
    archive(store, [dataclasses.replace(closed(1), title="renamed")])
    assert [i.id for i in store.list({State.CLOSED})] == [1, 2, 3, 4]
    assert store.get(1).title == "renamed"


def test_one_transaction_archives_many_incidents(store: IncidentStore) -> None:
    archive(store, [closed(n, month_offset=n % 4) for n in range(1, 2501)])
    assert len(store.archive_months()) >= 4
    assert sum(1 for _ in store.archived_summaries()) == 2500
    assert store.get(2500) == closed(2500, month_offset=0)
