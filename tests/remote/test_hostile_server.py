"""A server that is broken or hostile costs a one-line error, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from onwatch.remote.wire import shown_url
from tests.e2e.conftest import ROOT
from tests.tui.conftest import NOW


def incident(n: int) -> dict:
    return {
        "id": n, "fingerprint": f"web/http/up{n}", "title": "down", "source": "web",
        "check": "http", "metric": "up", "value": None, "threshold": None,
        "severity": "critical", "priority": "P1", "category": "availability",
        "state": "triggered", "escalation_level": 0, "count": 1,
        "created_at": NOW.isoformat(), "last_seen_at": NOW.isoformat(),
    }  # fmt: skip


ANSWERS = {
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "repeats": json.dumps([incident(n) for n in range(1, 1001)]).encode(),
}


@pytest.fixture
def hostile() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            kind = self.server.kind  # type: ignore[attr-defined]
            body = ANSWERS[kind]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server  # type: ignore[misc]
    finally:
        server.shutdown()
        server.server_close()


def list_against(server, kind: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    server.kind = kind
    url = f"http://user:pw-in-url@127.0.0.1:{server.server_address[1]}"
    return subprocess.run(
        [sys.executable, "-m", "onwatch", "incidents", "list", "--connect", url],
        env={**os.environ, "PYTHONPATH": str(ROOT), "ONWATCH_TOKEN": "t0k"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    ("kind", "says"),
    [("deep", "nested too deeply"), ("repeats", "the same page of incidents again")],
)
def test_a_hostile_answer_is_one_line_and_exit_1(hostile, kind, says, tmp_path: Path) -> None:
    done = list_against(hostile, kind, tmp_path)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert says in line
    assert "Traceback" not in done.stderr
    assert "pw-in-url" not in done.stderr + done.stdout


def test_a_password_in_the_url_is_never_shown() -> None:
    assert shown_url("http://ana:secret@noc:8765/") == "http://noc:8765/"
    assert shown_url("http://noc:8765") == "http://noc:8765"
