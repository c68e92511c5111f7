"""`onwatch run --headless` as a real process against real servers on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest

from tests.e2e.conftest import ROOT, Run


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "onwatch.toml"
    path.write_text("[local]\nenabled = false\n" + body)
    return path


def test_once_raises_an_incident_that_the_cli_then_lists(onwatch: Run, tmp_path: Path) -> None:
    port = closed_port()
    config = write_config(
        tmp_path,
        f'[[http]]\nname = "api"\nurl = "http://127.0.0.1:{port}/health"\ntimeout = "2s"\n',
    )
    result = onwatch("--config", str(config), "run", "--headless", "--once")
    assert result.code == 0, result.err
    assert "opened" in result.out and "api: connection refused" in result.out
    listed = json.loads(onwatch("--config", str(config), "incidents", "list", "--json").out)
    assert [(i["source"], i["metric"], i["state"]) for i in listed] == [("api", "up", "triggered")]
    assert listed[0]["title"] == "api: connection refused"


def test_once_json_lines(onwatch: Run, tmp_path: Path) -> None:
    config = write_config(
        tmp_path, f'[[tcp]]\nname = "db"\nhost = "127.0.0.1"\nport = {closed_port()}\n'
    )
    result = onwatch("--config", str(config), "run", "--headless", "--once", "--json")
    events = [json.loads(line) for line in result.out.splitlines()]
    assert [e["event"] for e in events] == ["opened", "paged"]
    assert events[0]["incident"]["source"] == "db"


class Flaky(BaseHTTPRequestHandler):
    healthy = False

    def do_GET(self) -> None:
        self.send_response(200 if Flaky.healthy else 503)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    Thread(target=server.serve_forever, daemon=True).start()
    Flaky.healthy = False
    yield server
    server.shutdown()


def test_recovery_resolves_the_incident(onwatch: Run, tmp_path: Path, flaky_server) -> None:
    port = flaky_server.server_address[1]
    config = write_config(tmp_path, f'[[http]]\nname = "web"\nurl = "http://127.0.0.1:{port}/"\n')
    first = onwatch("--config", str(config), "run", "--headless", "--once")
    assert "unexpected status 503" in first.out
    Flaky.healthy = True
    second = onwatch("--config", str(config), "run", "--headless", "--once")
    assert "resolved" in second.out
    listed = json.loads(onwatch("--config", str(config), "incidents", "list", "--json").out)
    assert listed[0]["state"] == "resolved"


def test_sigterm_finishes_writes_and_exits_0(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        f'[defaults]\ninterval = "1s"\n[[tcp]]\nname = "db"\nhost = "127.0.0.1"\nport = {closed_port()}\n',
    )
    db = tmp_path / "incidents.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onwatch",
            "--config",
            str(config),
            "--db",
            str(db),
            "run",
            "--headless",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    line = process.stdout.readline()  # the first incident event: the engine is working
    assert "opened" in line
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    from onwatch.store import IncidentStore

    assert len(IncidentStore(db).unclosed()) == 1


def test_duration_stops_on_its_own(onwatch: Run, tmp_path: Path) -> None:
    config = write_config(tmp_path, "")
    started = time.monotonic()
    result = onwatch("--config", str(config), "run", "--headless", "--duration", "1s")
    assert result.code == 0, result.err
    assert time.monotonic() - started < 20


def test_bad_duration_is_a_usage_error(onwatch: Run) -> None:
    result = onwatch("run", "--headless", "--duration", "soon")
    assert result.code == 2
    assert "not a duration" in result.err


@pytest.mark.parametrize("bus", ["", "disabled:"], ids=["no-session", "disabled-session"])
def test_missing_desktop_notifications_are_reported_once(
    onwatch: Run, tmp_path: Path, bus: str
) -> None:
    config = write_config(
        tmp_path, f'[[tcp]]\nname = "db"\nhost = "127.0.0.1"\nport = {closed_port()}\n'
    )
    no_tools = tmp_path / "bin"
    no_tools.mkdir()
    env = {"DBUS_SESSION_BUS_ADDRESS": bus, "PATH": str(no_tools)}
    result = onwatch("--config", str(config), "run", "--headless", "--once", extra_env=env)
    assert result.code == 0, result.err
    said = [line for line in result.err.splitlines() if "notifications unavailable" in line]
    assert len(said) == 1, result.err
    assert said[0].startswith("desktop notifications unavailable: ")
    assert "opened" in result.out
