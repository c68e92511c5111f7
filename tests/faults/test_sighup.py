"""SIGHUP reloads the config of `run --headless` and `serve`: a valid one applies with the open
incidents kept, an invalid one keeps the running config and names every problem in one line."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import httpx

from onwatch.store import IncidentStore
from tests.e2e.test_headless import closed_port
from tests.serve.test_cli import free_port
from tests.support.processes import Lines, start_onwatch

BASE = '[local]\nenabled = false\n[defaults]\ninterval = "1s"\n'


def tcp(name: str, port: int) -> str:
    return f'[[tcp]]\nname = "{name}"\nhost = "127.0.0.1"\nport = {port}\n'


BROKEN = (
    '[local]\nenabled = false\n[defaults]\ninterval = "soon"\n[[tcp]]\nname = "x"\nport = "many"\n'
)
"""Problems on several lines."""


def start(*args: str) -> tuple[subprocess.Popen, Lines, Lines]:
    return start_onwatch(*args)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_sighup_reloads_a_headless_engine_and_keeps_its_open_incidents(tmp_path: Path) -> None:
    config = tmp_path / "onwatch.toml"
    db = tmp_path / "incidents.json"
    config.write_text(BASE + tcp("db", closed_port()))
    process, out, err = start("--config", str(config), "--db", str(db), "run", "--headless")
    try:
        out.wait("opened")
        first = IncidentStore(db).unclosed()
        assert [i.check for i in first] == ["db"]

        config.write_text(BASE + tcp("db", closed_port()) + tcp("cache", closed_port()))
        process.send_signal(signal.SIGHUP)
        assert "1 check changed (db)" in err.wait("config reloaded")
        assert "1 check added (cache)" in err.wait("config reloaded")
        out.wait("cache")
        unclosed = {i.check: i for i in IncidentStore(db).unclosed()}
        assert set(unclosed) == {"db", "cache"}
        assert unclosed["db"].id == first[0].id  # the same incident, never closed and reopened

        config.write_text(BROKEN)
        process.send_signal(signal.SIGHUP)
        err.wait("status: config: config not reloaded: 3 problems")
        problems = [line for line in err.seen if line.startswith("config not reloaded: ")]
        assert len(problems) == 3, problems
        assert all(f"{config}:" in line for line in problems), problems
        assert process.poll() is None
        # The running config stays: its checks still run (the cache incident keeps its samples).
        seen = IncidentStore(db).get(unclosed["cache"].id).last_seen_at
        deadline = time.monotonic() + 30
        while IncidentStore(db).get(unclosed["cache"].id).last_seen_at == seen:
            assert time.monotonic() < deadline, "checks stopped after a refused reload"
            time.sleep(0.2)
    finally:
        stop(process)
    assert process.returncode == 0
    assert "Traceback" not in "".join(err.seen)


def hello_statuses(url: str) -> str:
    with httpx.stream("GET", f"{url}/v1/events", timeout=10) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                return line
    raise AssertionError("no greeting on the event stream")


def test_sighup_reloads_serve_and_its_sources_follow(tmp_path: Path) -> None:
    config = tmp_path / "onwatch.toml"
    db = tmp_path / "incidents.json"
    config.write_text(f'db = "{db}"\n' + BASE + tcp("db", closed_port()))
    port = free_port()
    process, _, err = start("serve", "--config", str(config), "--listen", f"127.0.0.1:{port}")
    try:
        url = err.wait("serving on ").strip().removeprefix("serving on ")
        config.write_text(f'db = "{db}"\n' + BASE + tcp("web", closed_port()))
        process.send_signal(signal.SIGHUP)
        line = err.wait("config reloaded")
        assert "1 check added (web)" in line and "1 check removed (db)" in line
        sources = httpx.get(f"{url}/v1/sources", timeout=10).json()
        assert "web" in json.dumps(sources) and '"db"' not in json.dumps(sources)

        config.write_text(f'db = "{db}"\n' + BROKEN)
        process.send_signal(signal.SIGHUP)
        err.wait(":8: tcp[0].port:")
        problems = [line for line in err.seen if line.startswith("config not reloaded: ")]
        assert len(problems) == 3, problems
        # Remote consoles are told in the status they show (the event stream's greeting).
        assert "config not reloaded: 3 problems" in hello_statuses(url)
        assert httpx.get(f"{url}/v1/health", timeout=10).status_code == 200
    finally:
        stop(process)
    assert process.returncode == 0
