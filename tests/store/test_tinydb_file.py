"""What the incident and silence stores share through `store.tinydb_file`: set-up and meta."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onwatch.store import IncidentStore, SilenceStore, StoreError
from onwatch.store.storage import temp_prefix

STORES = [
    pytest.param(IncidentStore, "incidents.json", id="incidents"),
    pytest.param(SilenceStore, "silences.json", id="silences"),
]


@pytest.mark.parametrize(("store", "name"), STORES)
def test_opening_makes_a_private_directory_and_clears_a_killed_writers_temp_files(
    tmp_path: Path, store: type, name: str
) -> None:
    path = tmp_path / "new" / name
    path.parent.mkdir(mode=0o700)
    orphan = path.with_name(f"{temp_prefix(path)}123-abcd")
    orphan.write_text("{}")
    opened = store(path)
    assert not orphan.exists()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert opened.lock.path == path.with_name(name + ".lock")
    assert opened.revision() == (0, 0, 0)


@pytest.mark.parametrize(("store", "name"), STORES)
def test_a_file_that_is_not_ours_is_refused_by_name(tmp_path: Path, store: type, name: str) -> None:
    path = tmp_path / name
    path.write_text(json.dumps({"incidents": [], "silences": []}))
    with pytest.raises(StoreError, match=f"{name}: not an onwatch"):
        store(path)


def test_every_commit_counts_one_more_revision_in_the_meta(tmp_path: Path) -> None:
    silences = SilenceStore(tmp_path / "silences.json")
    at = datetime(2026, 11, 27, tzinfo=UTC)
    for _ in range(2):
        silences.add(
            {"source": "a"}, at=at, duration=timedelta(hours=1), reason="r", created_by="d"
        )
    meta = json.loads(silences.path.read_text())["meta"]["1"]
    assert (meta["format"], meta["revision"], meta["next_id"]) == (1, 2, 3)
