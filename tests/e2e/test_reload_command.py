"""`onwatch reload`: a running `run --headless` takes a changed config at the command's word, a
broken one is rejected with every problem; over `--connect` a server does the same; with
nothing to reload, or an engine that does not reload on SIGHUP, it refuses in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from onwatch.store import IncidentStore
from onwatch.store.lease import EngineLease, reload_record_path
from tests.e2e.conftest import ROOT
from tests.e2e.test_headless import closed_port
from tests.faults.test_sighup import BASE, BROKEN, stop, tcp
from tests.serve.test_cli import free_port
from tests.support.processes import start_onwatch

TOKEN = "reload-Secret-41c7e2"


def onwatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onwatch", *args],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def start(*args: str, env: dict[str, str] | None = None):
    return start_onwatch(*args, env={**os.environ, **(env or {})})


def wait_for(path: Path, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_reload_applies_a_changed_config_and_rejects_a_broken_one(tmp_path: Path) -> None:
    config = tmp_path / "onwatch.toml"
    db = tmp_path / "incidents.json"
    config.write_text(BASE + tcp("db", closed_port()))
    process, out, err = start("--config", str(config), "--db", str(db), "run", "--headless")
    try:
        out.wait("opened")
        wait_for(reload_record_path(db))
        config.write_text(BASE + tcp("db", closed_port()) + tcp("cache", closed_port()))

        applied = onwatch("--config", str(config), "--db", str(db), "reload")
        assert applied.returncode == 0, applied.stderr
        assert applied.stdout.startswith("config reloaded: ")
        assert "1 check added (cache)" in applied.stdout
        # The engine runs the new check: its incident opens.
        out.wait("[cache/")
        assert {i.check for i in IncidentStore(db).unclosed()} == {"db", "cache"}

        config.write_text(BROKEN)
        rejected = onwatch("--config", str(config), "--db", str(db), "reload", "--json")
        assert rejected.returncode == 2, rejected.stderr
        outcome = json.loads(rejected.stdout)
        assert outcome["applied"] is False
        assert outcome["summary"] == ("config not reloaded: 3 problems, the running config stays")
        assert len(outcome["problems"]) == 3
        assert all(p.startswith(f"{config}:") for p in outcome["problems"]), outcome

        as_text = onwatch("--db", str(db), "reload")  # the broken config is the engine's to read
        assert as_text.returncode == 2
        lines = as_text.stderr.splitlines()
        assert lines[0] == "config not reloaded: 3 problems, the running config stays"
        assert lines[1:] == outcome["problems"]
        assert process.poll() is None  # the engine goes on with the config it had
    finally:
        stop(process)
    assert process.returncode == 0
    assert "Traceback" not in "".join(err.seen)
    assert not reload_record_path(db).exists(), "the record outlived its process"

    gone = onwatch("--db", str(db), "reload")
    assert gone.returncode == 3
    assert gone.stderr.startswith(f"onwatch: no onwatch engine runs on {db}: nothing to reload")
    assert len(gone.stderr.splitlines()) == 1


def test_reload_never_signals_an_engine_that_does_not_reload_on_sighup(tmp_path: Path) -> None:
    db = tmp_path / "incidents.json"
    IncidentStore(db)
    # This test's own process holds the lease, as a console does: a SIGHUP would end it.
    lease = EngineLease(db)
    assert lease.acquire(datetime.now(UTC))
    try:
        refused = onwatch("--db", str(db), "reload")
    finally:
        lease.release()
    assert refused.returncode == 4, refused.stderr
    assert f"pid {os.getpid()}" in refused.stderr
    assert "does not take SIGHUP as a reload: in a console, press ctrl+r there" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1


def test_reload_over_connect_asks_the_server(tmp_path: Path) -> None:
    config = tmp_path / "onwatch.toml"
    db = tmp_path / "incidents.json"
    serve = f'db = "{db}"\n[[serve.tokens]]\nname = "dana"\nrole = "operator"\n'
    serve += 'token = "${DANA_TOKEN}"\n'
    config.write_text(serve + BASE + tcp("db", closed_port()))
    port = free_port()
    env = {"DANA_TOKEN": TOKEN}
    listen = f"127.0.0.1:{port}"
    process, _, err = start("serve", "--config", str(config), "--listen", listen, env=env)
    try:
        url = err.wait("serving on ").strip().removeprefix("serving on ")
        config.write_text(serve + BASE + tcp("web", closed_port()))
        applied = onwatch("reload", "--connect", url, "--json", env={"ONWATCH_TOKEN": TOKEN})
        assert applied.returncode == 0, applied.stderr
        outcome = json.loads(applied.stdout)
        assert outcome["applied"] is True and outcome["problems"] == []
        assert "1 check added (web)" in outcome["summary"]
        assert "1 check removed (db)" in outcome["summary"]

        config.write_text(serve + BROKEN)
        rejected = onwatch("reload", "--connect", url, env={"ONWATCH_TOKEN": TOKEN})
        assert rejected.returncode == 2
        lines = rejected.stderr.splitlines()
        assert lines[0] == "config not reloaded: 3 problems, the running config stays"
        assert len(lines) == 4 and all(line.startswith(f"{config}:") for line in lines[1:])

        # The server reloads on SIGHUP too: without --connect, by its store.
        local = onwatch("--db", str(db), "reload", "--json")
        assert local.returncode == 2, local.stderr
        assert len(json.loads(local.stdout)["problems"]) == 3

        denied = onwatch("reload", "--connect", url, env={"ONWATCH_TOKEN": "wrong"})
        assert denied.returncode == 5
        assert "wrong" not in denied.stderr and len(denied.stderr.splitlines()) == 1
    finally:
        stop(process)
    assert process.returncode == 0
