from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onwatch.incidents import Category, Severity, State, lifecycle
from onwatch.store import IncidentStore, NotFound, StoreError

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def put_new(store: IncidentStore, metric: str = "cpu", at: datetime = T0):
    with store.transaction() as txn:
        incident = lifecycle.open_incident(
            incident_id=txn.next_id(),
            source="web-01",
            check="local",
            metric=metric,
            title=f"{metric} high",
            severity=Severity.WARNING,
            category=Category.RESOURCE,
            value=90.0,
            threshold=80.0,
            at=at,
        )
        txn.put(incident)
    return incident


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "data" / "incidents.json")


def test_incidents_round_trip_through_the_file(store: IncidentStore) -> None:
    incident = put_new(store)
    assert IncidentStore(store.path).get(incident.id) == incident


def test_files_are_private_to_the_user(store: IncidentStore) -> None:
    put_new(store)
    store.update(1, lambda i: lifecycle.close(i, by="dana", at=T0))
    for path in store.path.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_closed_incidents_move_to_the_archive_of_their_month(store: IncidentStore) -> None:
    put_new(store, "cpu")
    put_new(store, "memory")
    store.update(1, lambda i: lifecycle.close(i, by="dana", at=T0 + timedelta(days=5)))
    assert [i.id for i in store.unclosed()] == [2]
    assert store.archive_path("2026-12").exists()
    assert store.get(1).state is State.CLOSED
    assert [i.id for i in store.list({State.CLOSED})] == [1]


def test_reopening_an_archived_incident_brings_it_back_to_the_live_file(
    store: IncidentStore,
) -> None:
    put_new(store)
    store.update(1, lambda i: lifecycle.close(i, by="dana", at=T0))
    store.update(1, lambda i: lifecycle.reopen(i, by="dana", at=T0 + timedelta(hours=1)))
    assert [i.id for i in store.unclosed()] == [1]
    assert list(store.archived()) == []


def test_ids_are_never_reused_even_after_archiving(store: IncidentStore) -> None:
    for n in range(3):
        put_new(store, f"m{n}")
        store.update(n + 1, lambda i: lifecycle.close(i, by="dana", at=T0))
    assert put_new(store, "again").id == 4


def test_ids_continue_from_the_archives_if_the_live_file_is_lost(store: IncidentStore) -> None:
    put_new(store)
    put_new(store, "memory")
    store.update(2, lambda i: lifecycle.close(i, by="dana", at=T0))
    store.path.unlink()
    assert put_new(IncidentStore(store.path), "disk").id == 3


def test_a_failed_transaction_writes_nothing(store: IncidentStore) -> None:
    put_new(store)
    before = store.path.read_bytes()
    with pytest.raises(RuntimeError), store.transaction() as txn:
        txn.put(lifecycle.add_note(txn.get(1), by="dana", at=T0, note="lost"))
        raise RuntimeError("boom")
    assert store.path.read_bytes() == before


def test_missing_incident_is_not_found(store: IncidentStore) -> None:
    with pytest.raises(NotFound):
        store.get(42)


@pytest.mark.parametrize("content", [b"", b"not json at all", b"[1, 2, 3]", b'{"incidents": 5}'])
def test_a_file_that_is_not_ours_stops_with_its_name_and_is_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "incidents.json"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=r"incidents\.json"):
        IncidentStore(path)
    assert path.read_bytes() == content


def test_an_unreadable_record_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "incidents.json"
    path.write_text('{"incidents": {"1": {"id": 1}}}')
    with pytest.raises(StoreError, match=r"incidents.json: incident record 1"):
        IncidentStore(path)


def test_orphaned_temp_files_are_cleaned_at_start(tmp_path: Path) -> None:
    path = tmp_path / "incidents.json"
    orphan = tmp_path / ".incidents.json.tmp-123-abcd"
    orphan.write_text("half a write")
    IncidentStore(path)
    assert not orphan.exists()


def test_revision_changes_on_every_commit(store: IncidentStore) -> None:
    before = store.revision()
    put_new(store)
    middle = store.revision()
    store.update(1, lambda i: lifecycle.add_note(i, by="dana", at=T0, note="x"))
    assert len({before, middle, store.revision()}) == 3


def test_a_temp_file_of_an_archive_never_created_is_cleaned_at_start(tmp_path: Path) -> None:
    # A kill during the first write of a month's archive leaves no archive, only its temp file.
    path = tmp_path / "incidents.json"
    orphan = tmp_path / ".incidents-archive-2026-12.json.tmp-4659-f88064fb"
    orphan.write_text("half a write")
    IncidentStore(path)
    assert not orphan.exists()
