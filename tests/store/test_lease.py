"""One engine per store: the lease is held for the life of a process and freed by its end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from onwatch.store.lease import EngineLease, lease_path
from tests.e2e.conftest import ROOT

NOW = datetime(2026, 12, 1, 10, 2, tzinfo=UTC)

HOLD = """
import sys, time
from datetime import UTC, datetime
from onwatch.store.lease import EngineLease
lease = EngineLease(sys.argv[1])
print("held" if lease.acquire(datetime.now(UTC)) else "refused", flush=True)
time.sleep(60)
"""


def hold_in_another_process(store: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_nobody_holds_a_new_store(tmp_path: Path) -> None:
    assert EngineLease(tmp_path / "incidents.json").holder() is None


def test_the_holder_is_named_and_a_second_taker_refused(tmp_path: Path) -> None:
    store = tmp_path / "incidents.json"
    process = hold_in_another_process(store)
    try:
        mine = EngineLease(store)
        assert not mine.acquire(NOW)
        holder = mine.holder()
        assert holder is not None
        assert holder.pid == process.pid
        assert f"pid {process.pid}, since " in holder.describe()
    finally:
        process.kill()
        process.wait()


def test_kill_9_frees_the_lease_for_the_next_engine(tmp_path: Path) -> None:
    store = tmp_path / "incidents.json"
    process = hold_in_another_process(store)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    mine = EngineLease(store)
    assert mine.holder() is None  # the record is still there, but nobody holds it
    assert mine.acquire(NOW)
    holder = mine.holder()
    assert holder is not None and holder.pid == os.getpid() and holder.since == NOW
    mine.release()


def test_a_damaged_record_is_no_crash(tmp_path: Path) -> None:
    store = tmp_path / "incidents.json"
    lease_path(store).write_bytes(b"\xff not json" * 1000)
    mine = EngineLease(store)
    assert mine.holder() is None
    assert mine.acquire(NOW)
    assert mine.holder() is not None
    mine.release()


def test_a_second_headless_engine_on_a_store_exits_1_naming_the_first(tmp_path: Path) -> None:
    db = tmp_path / "incidents.json"
    config = tmp_path / "onwatch.toml"
    config.write_text("[local]\nenabled = false\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "onwatch", "--config", str(config), "--db", str(db), "run"]
    first = subprocess.Popen([*command, "--headless"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while EngineLease(db).holder() is None:
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            assert time.monotonic() < deadline, "the first engine never took the lease"
            time.sleep(0.05)
        second = subprocess.run(
            [*command, "--headless", "--once"], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
    assert second.returncode == 1
    (line,) = second.stderr.strip().splitlines()
    assert "another onwatch runs the engine" in line and f"pid {first.pid}, since " in line
    assert first.returncode == 0
