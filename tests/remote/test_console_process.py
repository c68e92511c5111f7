"""`onwatch --connect URL` as a real process in a real terminal (tmux), against `onwatch serve`."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import uuid
from pathlib import Path

from onwatch.incidents import State
from onwatch.store import IncidentStore
from tests.e2e.conftest import ROOT
from tests.e2e.test_console_tmux import Terminal
from tests.remote.server import OPERATOR_TOKEN, Server


def test_a_connected_console_shows_the_servers_incidents_and_acks_one(
    server: Server, tmp_path: Path
) -> None:
    session = f"onwatch-test-{uuid.uuid4().hex[:8]}"
    argv = ["--connect", server.url, "--token-env", "NOC_TOKEN"]
    command = " ".join(shlex.quote(part) for part in [sys.executable, "-m", "onwatch", *argv])
    env = [
        f"PYTHONPATH={ROOT}",
        f"XDG_STATE_HOME={tmp_path / 'state'}",
        f"XDG_CONFIG_HOME={tmp_path / 'no-config'}",
        f"NOC_TOKEN={OPERATOR_TOKEN}",
        "TERM=xterm-256color",
    ]
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "140", "-y", "32",
         *[f"-e{e}" for e in env], command],
        check=True, cwd=tmp_path,
    )  # fmt: skip
    term = Terminal(session)
    try:
        term.wait_for(lambda: "api: conn" in term.screen())
        term.wait_for(lambda: f"server: {server.url}" in term.screen())
        assert OPERATOR_TOKEN not in term.screen()
        term.keys("Down", "a")  # the list's first row is #2 (P1); the cursor moves to #1
        store = IncidentStore(server.db)
        term.wait_for(lambda: any(i.state is State.ACKNOWLEDGED for i in store.unclosed()))
        acked = [i for i in store.unclosed() if i.state is State.ACKNOWLEDGED]
        assert [i.timeline[-1].by for i in acked] == ["dana"]  # the token's name
        term.keys("q")
        term.wait_for(lambda: not term.alive(), within=20)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_a_connected_console_without_its_token_exits_2_naming_the_variable(
    server: Server, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NOC_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "onwatch", "--connect", server.url, "--token-env", "NOC_TOKEN"],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "NOC_TOKEN" in line
