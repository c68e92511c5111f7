"""Crashes and concurrent writers: the store keeps every committed change and stays readable."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from onwatch.incidents import State
from onwatch.store import IncidentStore

WRITER = Path(__file__).with_name("writer.py")
ROOT = Path(__file__).resolve().parents[2]


def start_writer(db: Path, name: str, count: int, progress: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, str(WRITER), str(db), name, str(count)]
    if progress is not None:
        args += ["--progress", str(progress)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(args, env=env)


def assert_consistent(store: IncidentStore) -> list:
    everything = store.list()
    ids = [i.id for i in everything]
    assert len(ids) == len(set(ids))
    fingerprints = [i.fingerprint for i in store.unclosed()]
    assert len(fingerprints) == len(set(fingerprints))
    assert all(i.state is not State.CLOSED for i in store.unclosed())
    return everything


def test_two_processes_writing_at_once_lose_no_update(tmp_path: Path) -> None:
    db = tmp_path / "incidents.json"
    IncidentStore(db)
    writers = [start_writer(db, name, 150) for name in ("alpha", "beta")]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    everything = assert_consistent(IncidentStore(db))
    assert len(everything) == 300
    for name in ("alpha", "beta"):
        mine = [i for i in everything if i.source == name]
        assert len(mine) == 150
        assert all(any(e.kind == "note" and e.by == name for e in i.timeline) for i in mine)
        assert sum(i.state is State.CLOSED for i in mine) == 30
    assert sorted(i.id for i in everything) == list(range(1, 301))


def test_kill_9_during_writes_never_leaves_an_unreadable_or_inconsistent_store(
    tmp_path: Path,
) -> None:
    db = tmp_path / "incidents.json"
    progress = tmp_path / "progress"
    rng = random.Random(20261127)
    kills = 0
    last_count = 0
    while kills < 60:
        progress.write_text("")
        writer = start_writer(db, f"w{kills}", 1000, progress)
        # Wait until it is writing, then kill it at a random moment among its writes.
        deadline = time.monotonic() + 30
        while not progress.read_text() and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        kills += 1
        store = IncidentStore(db)  # also removes the killed writer's temp file
        everything = assert_consistent(store)
        # Committed work is never lost: the store only grows.
        assert len(everything) >= last_count
        last_count = len(everything)
        leftovers = [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
        assert leftovers == []
    assert last_count > 0
