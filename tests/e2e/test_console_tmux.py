"""The console in a real terminal (tmux): it starts, shows an incident, takes a key, quits."""

from __future__ import annotations

import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from onwatch.incidents import State
from onwatch.store import IncidentStore
from tests.e2e.conftest import ROOT


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Terminal:
    def __init__(self, session: str) -> None:
        self.session = session

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True, text=True
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.session, *keys], check=True)

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "has-session", "-t", self.session], capture_output=True
            ).returncode
            == 0
        )

    def wait_for(self, condition: Callable[[], bool], within: float = 30) -> None:
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"the terminal never got there; it shows:\n{self.screen()}")
            time.sleep(0.1)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed: .ci/run installs it")
    config = tmp_path / "onwatch.toml"
    config.write_text(
        "[local]\nenabled = false\n[notify]\ndesktop = false\n"
        f'[[http]]\nname = "api"\nurl = "http://127.0.0.1:{closed_port()}/"\ninterval = "2s"\n'
    )
    db = tmp_path / "incidents.json"
    session = f"onwatch-test-{uuid.uuid4().hex[:8]}"
    command = " ".join(
        shlex.quote(part)
        for part in [sys.executable, "-m", "onwatch", "--config", str(config), "--db", str(db)]
    )
    env = [
        f"PYTHONPATH={ROOT}",
        f"XDG_STATE_HOME={tmp_path / 'state'}",
        "USER=dana",
        "TERM=xterm-256color",
    ]
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "32",
         *[f"-e{e}" for e in env], command],
        check=True, cwd=ROOT,
    )  # fmt: skip
    term = Terminal(session)
    try:
        yield term, db
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_console_shows_an_incident_and_acknowledges_it_in_a_real_terminal(terminal) -> None:
    term, db = terminal
    term.wait_for(lambda: "api: connection refused" in term.screen())
    # Source rows redraw on their own timer, at most half a second behind the incidents.
    term.wait_for(lambda: "▼ DOWN" in term.screen(), within=5)
    term.keys("a")
    term.wait_for(lambda: IncidentStore(db).get(1).state is State.ACKNOWLEDGED)
    incident = IncidentStore(db).get(1)
    assert incident.timeline[-1].by == "dana"
    term.keys("q")
    term.wait_for(lambda: not term.alive(), within=20)


def test_a_console_beside_a_running_engine_needs_none_of_its_secrets(tmp_path: Path) -> None:
    """The engine runs with the hook's secret; a second console in a shell without it opens,
    says who runs the engine, and acknowledges."""
    config = tmp_path / "onwatch.toml"
    config.write_text(
        "[local]\nenabled = false\n[notify]\ndesktop = false\n"
        '[notify.channels]\noncall = "json://127.0.0.1:9/${HOOK_SECRET}"\n'
        f'[[tcp]]\nname = "db"\nhost = "127.0.0.1"\nport = {closed_port()}\ninterval = "1s"\n'
    )
    db = tmp_path / "incidents.json"
    base = [sys.executable, "-m", "onwatch", "--config", str(config), "--db", str(db)]
    engine = subprocess.Popen(
        [*base, "run", "--headless"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOOK_SECRET": "s3cr3t"},
    )
    session = f"onwatch-test-{uuid.uuid4().hex[:8]}"
    try:
        assert engine.stdout is not None and "opened" in engine.stdout.readline()
        command = " ".join(shlex.quote(part) for part in base)
        env = [f"PYTHONPATH={ROOT}", f"XDG_STATE_HOME={tmp_path / 'state'}", "USER=lee"]
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "32",
             *[f"-e{e}" for e in env], "-eTERM=xterm-256color", command],
            check=True, cwd=ROOT,
        )  # fmt: skip
        term = Terminal(session)
        term.wait_for(lambda: f"engine: pid {engine.pid}" in term.screen())
        term.wait_for(lambda: "db: conn" in term.screen())
        term.keys("a")
        term.wait_for(lambda: IncidentStore(db).get(1).state is State.ACKNOWLEDGED)
        assert IncidentStore(db).get(1).timeline[-1].by == "lee"
        assert "s3cr3t" not in term.screen()
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        engine.terminate()
        engine.wait(timeout=20)
