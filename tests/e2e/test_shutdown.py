"""SIGTERM or SIGINT ends an onwatch process within 10 s, whatever state its disk is in."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT
from tests.e2e.test_headless import closed_port, write_config
from tests.support.disk import small_disk

PROMISE_SECONDS = 10.0


def wait_for_line(stream, needle: str, within: float) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        line = stream.readline()
        if needle in line:
            return line
    raise AssertionError(f"no line with {needle!r} within {within}s")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_headless_engine_on_a_full_disk_stops_within_10s(tmp_path: Path, signum) -> None:
    config = write_config(
        tmp_path,
        f'[defaults]\ninterval = "1s"\n[[tcp]]\nname = "db"\nhost = "127.0.0.1"\nport = {closed_port()}\n',
    )
    with small_disk(tmp_path / "store") as disk:
        db = disk.path / "incidents.json"
        command = ["--config", str(config), "--db", str(db), "run", "--headless"]
        process = subprocess.Popen(
            [sys.executable, "-m", "onwatch", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        try:
            wait_for_line(process.stdout, "opened", within=30)
            disk.fill()
            wait_for_line(process.stderr, "cannot write incidents", within=30)
            time.sleep(3)  # a few seconds of failing writes, as an operator would see them
            asked = time.monotonic()
            process.send_signal(signum)
            _, err = process.communicate(timeout=30)
            took = time.monotonic() - asked
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        disk.free()
        from onwatch.store import IncidentStore

        kept = IncidentStore(db).unclosed()
    assert took < PROMISE_SECONDS, f"took {took:.1f}s to stop"
    assert "Traceback" not in err
    (line,) = [line for line in err.splitlines() if "not written" in line]
    assert "incident updates not written" in line
    assert "No space left" in line or "Permission denied" in line
    assert len(kept) == 1  # what was written before the disk filled is intact
