"""Closing into an archive part adds to its bytes instead of reading and rewriting it whole."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from onwatch.incidents import State, lifecycle
from onwatch.store import IncidentStore, storage, transaction
from onwatch.store.summary_format import merged_runs, parse_header
from tests.store.test_history_index import START, archive, closed


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return IncidentStore(tmp_path / "db" / "incidents.json")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every JSON file a transaction parses, in order."""
    seen: list[Path] = []
    original = storage.read_json

    def recording(path: Path):
        seen.append(Path(path))
        return original(path)

    monkeypatch.setattr(storage, "read_json", recording)
    return seen


def summary_lines(store: IncidentStore, key: str) -> list[dict]:
    path = store.summaries.path(key)
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_closing_into_a_part_does_not_parse_the_part(
    store: IncidentStore, reads: list[Path]
) -> None:
    archive(store, [closed(n) for n in range(1, 6)])
    part = store.archive_path("2026-09")
    reads.clear()
    for n in range(6, 9):
        archive(store, [closed(n)])
    assert part not in reads
    assert sorted(orjson.loads(part.read_bytes())["incidents"]) == [str(n) for n in range(1, 9)]


def test_added_parts_and_summaries_read_as_if_written_whole(store: IncidentStore) -> None:
    archive(store, [closed(n) for n in (1, 2, 3)])
    for n in (9, 4, 7):  # closed out of id order, one transaction each
        archive(store, [closed(n)])
    part = store.archive_path("2026-09")
    assert orjson.loads(part.read_bytes()) == json.loads(part.read_text())
    records = orjson.loads(part.read_bytes())["incidents"]
    assert {int(k) for k in records} == {1, 2, 3, 4, 7, 9}
    header = parse_header(store.summaries.path("2026-09").read_bytes().splitlines()[0], "2026-09")
    assert header.archive == storage.file_revision(part)  # fresh: nothing to rebuild
    assert header.ids == ((1, 4), (7, 7), (9, 9))
    assert header.count == 6
    assert header.opened == (closed(1).created_at.timestamp(), closed(9).created_at.timestamp())
    added = summary_lines(store, "2026-09")[1:]
    store.summaries.path("2026-09").unlink()  # rebuilt whole from the archive, for comparison
    store.summaries.header("2026-09")
    rebuilt = summary_lines(store, "2026-09")
    assert rebuilt[0]["ids"] == [list(run) for run in header.ids]
    assert sorted(added, key=lambda row: row["id"]) == rebuilt[1:]


def test_history_reads_added_rows_newest_first(store: IncidentStore) -> None:
    archive(store, [closed(n) for n in (1, 2, 3)])
    for n in (9, 4, 7):
        archive(store, [closed(n)])
    assert [s.id for s in store.archived_summaries()] == [9, 7, 4, 3, 2, 1]
    assert [i.id for i in store.list({State.CLOSED})] == [1, 2, 3, 4, 7, 9]
    assert store.get(4) == closed(4)


def test_a_part_not_in_onwatchs_shape_is_rewritten_whole(store: IncidentStore) -> None:
    archive(store, [closed(n) for n in (1, 2)])
    part = store.archive_path("2026-09")
    part.write_text(json.dumps(json.loads(part.read_text()), indent=2))  # edited by hand
    archive(store, [closed(3)])
    assert part.read_bytes().startswith(b'{"incidents":{')  # written by onwatch again
    assert [i.id for i in store.list({State.CLOSED})] == [1, 2, 3]
    assert summary_lines(store, "2026-09")[0]["count"] == 3


def test_an_incident_a_crash_left_in_its_part_is_not_added_twice(store: IncidentStore) -> None:
    archive(store, [closed(1), closed(5)])
    part = store.archive_path("2026-09")
    left = part.read_bytes()
    reopened = lifecycle.reopen(store.get(5), by="dana", at=START, note="again")
    archive(store, [reopened])  # back to the live file, out of the part
    part.write_bytes(left)  # as if the part had been written and the live file not yet
    archive(store, [closed(5)])
    assert part.read_bytes().count(b'"5":{') == 1
    assert [i.id for i in store.list({State.CLOSED})] == [1, 5]
    assert store.unclosed() == []


def test_parts_filled_one_close_at_a_time_stop_at_their_size(
    store: IncidentStore, monkeypatch: pytest.MonkeyPatch, reads: list[Path]
) -> None:
    monkeypatch.setattr(transaction, "PART_SIZE", 3)
    for n in range(1, 11):
        archive(store, [closed(n)])
    assert store.archive_months() == ["2026-09-p4", "2026-09-p3", "2026-09-p2", "2026-09"]
    counts = [len(orjson.loads(p.read_bytes())["incidents"]) for p in store.archive_paths()]
    assert counts == [1, 3, 3, 3]
    assert [summary_lines(store, key)[0]["count"] for key in store.archive_months()] == counts
    assert not [p for p in reads if "archive" in p.name]  # counted from the summaries
    assert [i.id for i in store.list({State.CLOSED})] == list(range(1, 11))


def test_merged_runs_join_neighbours_and_keep_gaps() -> None:
    assert merged_runs([(1, 3), (7, 8)], [4, 10, 6]) == ((1, 4), (6, 8), (10, 10))
    assert merged_runs([], [5]) == ((5, 5),)
    assert merged_runs([(2, 2)], []) == ((2, 2),)
