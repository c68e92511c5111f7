from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onwatch.incidents import InvalidInput
from onwatch.store import SilenceNotFound, SilenceStore, StoreError
from onwatch.store.storage import temp_prefix

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

# Run in a separate interpreter so the two writers share nothing but the file and its lock.
WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from onwatch.store import SilenceStore

path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = SilenceStore(path)
for n in range(count):
    store.add(
        {"source": f"{name}-{n}"},
        at=datetime.now(UTC),
        duration=timedelta(hours=1),
        reason=f"{name} {n}",
        created_by=name,
    )
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "silences.json"


@pytest.fixture
def store(path: Path) -> SilenceStore:
    return SilenceStore(path)


def add(store: SilenceStore, source: str = "web-01", at: datetime = T0, hours: float = 1):
    return store.add(
        {"source": source},
        at=at,
        duration=timedelta(hours=hours),
        reason="deploy",
        created_by="dana",
    )


def test_a_new_store_creates_no_file_until_something_is_added(
    store: SilenceStore, path: Path
) -> None:
    assert not path.exists()
    assert store.list() == []
    assert store.active(T0) == []


def test_ids_are_sequential_from_one(store: SilenceStore) -> None:
    assert [add(store, f"web-{n}").id for n in range(3)] == [1, 2, 3]


def test_ids_are_never_reused_after_pruning(store: SilenceStore) -> None:
    add(store, "a")
    add(store, "b")
    assert store.prune(T0 + 2 * HOUR) == 2
    assert store.list() == []
    assert add(store, "c").id == 3


def test_ids_continue_from_the_records_if_the_counter_is_lost(
    store: SilenceStore, path: Path
) -> None:
    add(store, "a")
    add(store, "b")
    data = path.read_text()
    assert '"next_id":3' in data
    path.write_text(data.replace('"next_id":3', '"next_id":1'))
    assert add(store, "c").id == 3


def test_silences_persist_across_instances(store: SilenceStore, path: Path) -> None:
    silence = store.add(
        {"source": "web-*", "check": "api"},
        at=T0,
        duration=2 * HOUR,
        reason="  rebooting the web tier ",
        created_by="dana",
    )
    again = SilenceStore(path)
    assert again.get(silence.id) == silence
    assert again.list() == [silence]
    assert silence.matchers == {"source": "web-*", "check": "api"}
    assert silence.reason == "rebooting the web tier"
    assert silence.ends_at == T0 + 2 * HOUR


def test_get_unknown_raises_silence_not_found(store: SilenceStore) -> None:
    add(store)
    with pytest.raises(SilenceNotFound, match="no silence 7") as caught:
        store.get(7)
    assert isinstance(caught.value, StoreError)
    assert isinstance(caught.value, LookupError)
    assert caught.value.silence_id == 7


def test_active_filters_by_the_time_given(store: SilenceStore) -> None:
    short = add(store, "a", hours=1)
    long = add(store, "b", hours=3)
    later = add(store, "c", at=T0 + 2 * HOUR, hours=1)
    assert store.active(T0 - timedelta(seconds=1)) == []
    assert store.active(T0) == [short, long]
    assert store.active(T0 + 30 * timedelta(minutes=1)) == [short, long]
    assert store.active(T0 + HOUR) == [long]  # the end is exclusive
    assert store.active(T0 + 2 * HOUR) == [long, later]
    assert store.active(T0 + 4 * HOUR) == []
    assert store.list() == [short, long, later]


def test_expire_ends_a_silence_early_and_is_kept(store: SilenceStore, path: Path) -> None:
    silence = add(store, hours=2)
    expired = store.expire(silence.id, at=T0 + HOUR)
    assert expired.expired_at == T0 + HOUR
    assert SilenceStore(path).get(silence.id) == expired
    assert store.active(T0 + 30 * timedelta(minutes=1)) == [expired]
    assert store.active(T0 + HOUR) == []
    assert store.list() == [expired]


def test_expire_twice_or_after_the_end_is_refused(store: SilenceStore) -> None:
    silence = add(store, hours=1)
    store.expire(silence.id, at=T0 + timedelta(minutes=10))
    before = store.revision()
    with pytest.raises(InvalidInput, match="already ended"):
        store.expire(silence.id, at=T0 + timedelta(minutes=20))
    assert store.revision() == before
    other = add(store, "b", hours=1)
    with pytest.raises(InvalidInput, match="already ended"):
        store.expire(other.id, at=T0 + 2 * HOUR)


def test_expire_unknown_raises_silence_not_found(store: SilenceStore) -> None:
    with pytest.raises(SilenceNotFound):
        store.expire(3, at=T0)


def test_a_refused_add_writes_nothing_and_spends_no_id(store: SilenceStore, path: Path) -> None:
    add(store)
    before = path.read_bytes()
    with pytest.raises(InvalidInput):
        store.add({"host": "x"}, at=T0, duration=HOUR, reason="r", created_by="dana")
    with pytest.raises(InvalidInput):
        store.add({"source": "x"}, at=T0, duration=HOUR, reason=" ", created_by="dana")
    with pytest.raises(InvalidInput):
        store.add({"source": "x"}, at=T0, duration=timedelta(0), reason="r", created_by="d")
    assert path.read_bytes() == before
    assert add(store, "next").id == 2


def test_prune_forgets_only_what_ended_before(store: SilenceStore) -> None:
    ended = add(store, "a", hours=1)
    running = add(store, "b", hours=5)
    expired = add(store, "c", hours=5)
    store.expire(expired.id, at=T0 + HOUR)
    assert store.prune(T0 + HOUR) == 0  # ended exactly then: not before
    assert store.prune(T0 + 2 * HOUR) == 2
    assert [s.id for s in store.list()] == [running.id]
    assert ended.id not in {s.id for s in store.list()}


def test_revision_changes_on_writes_only(store: SilenceStore) -> None:
    assert store.revision() == (0, 0, 0)
    add(store)
    first = store.revision()
    assert first != (0, 0, 0)
    store.list()
    store.active(T0)
    assert store.revision() == first
    store.expire(1, at=T0 + timedelta(minutes=1))
    assert store.revision() != first


def test_files_are_private_to_the_user(store: SilenceStore, path: Path) -> None:
    add(store)
    store.expire(1, at=T0 + timedelta(minutes=1))
    for file in (path, path.with_name(path.name + ".lock")):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_a_file_made_readable_by_others_is_private_again_after_a_write(
    store: SilenceStore, path: Path
) -> None:
    add(store)
    path.chmod(0o644)
    add(store, "b")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "invalid JSON"),
        (b"", "empty"),
        (b"[1, 2]", "not an object"),
        (b'{"incidents": {}}', "no silences table"),
        (b'{"silences": {"1": {"id": 1}}}', "silence record 1 is not readable"),
        (b'{"silences": {"x": {}}}', "bad silence id"),
    ],
)
def test_an_unreadable_file_is_named_and_never_overwritten(
    path: Path, content: bytes, why: str
) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(StoreError, match=why) as caught:
        SilenceStore(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content


def test_a_file_damaged_while_open_is_refused_by_every_operation(
    store: SilenceStore, path: Path
) -> None:
    add(store)
    path.write_bytes(b"garbage")
    for operation in (
        store.list,
        lambda: store.active(T0),
        lambda: store.get(1),
        lambda: add(store, "b"),
        lambda: store.expire(1, at=T0),
        lambda: store.prune(T0),
    ):
        with pytest.raises(StoreError, match=re.escape(str(path))):
            operation()
    assert path.read_bytes() == b"garbage"


def test_temp_files_left_by_a_killed_writer_are_removed_on_open(path: Path) -> None:
    path.parent.mkdir(parents=True)
    orphan = path.with_name(f"{temp_prefix(path)}999-dead")
    orphan.write_bytes(b"half a write")
    SilenceStore(path)
    assert not orphan.exists()


def test_two_processes_adding_at_once_lose_nothing(path: Path) -> None:
    SilenceStore(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    count = 40
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)], env=env)
        for name in ("alpha", "beta")
    ]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    everything = SilenceStore(path).list()
    assert [s.id for s in everything] == list(range(1, 2 * count + 1))
    for name in ("alpha", "beta"):
        mine = sorted(s.matchers["source"] for s in everything if s.created_by == name)
        assert mine == sorted(f"{name}-{n}" for n in range(count))
