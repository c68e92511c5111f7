"""A whole scripted run (an agent with a token, `onwatch serve` with tokens and a channel whose
URL carries credentials, the CLI acting over --connect) grepped for every secret's value in
every output, every file it left and every notification it sent: none is there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import ROOT
from tests.e2e.test_headless import closed_port
from tests.serve.test_cli import free_port
from tests.support.processes import Lines, start_onwatch
from tests.support.receiver import Receiver

SECRETS = {
    "OPERATOR_TOKEN": "op-Tok-9a8b7c6d5e",
    "VIEWER_TOKEN": "view-Tok-1f2e3d4c",
    "AGENT_TOKEN": "agent-Tok-5b6a7988",
    "HOOK_PASSWORD": "hookPass-3c4d5e6f",
    "HOOK_KEY": "hookKey-7a8b9c0d",
}


def config_text(db: Path, agent_url: str, receiver: Receiver) -> str:
    hook = receiver.url("hook", credentials="bot:${HOOK_PASSWORD}", query="key=${HOOK_KEY}")
    return (
        f'db = "{db}"\noperator = "dana"\n[local]\nenabled = false\n'
        '[defaults]\ninterval = "1s"\n'
        f'[[tcp]]\nname = "db"\nhost = "127.0.0.1"\nport = {closed_port()}\n'
        f'[[agent]]\nname = "far"\nurl = "{agent_url}"\ntoken = "${{AGENT_TOKEN}}"\n'
        f'[notify]\ndesktop = false\n[notify.channels]\nteam = {{ url = "{hook}", '
        "send_resolved = true }\n"
        '[[serve.tokens]]\nname = "dana"\nrole = "operator"\ntoken = "${OPERATOR_TOKEN}"\n'
        '[[serve.tokens]]\nname = "vic"\nrole = "viewer"\ntoken = "${VIEWER_TOKEN}"\n'
    )


def test_no_secret_appears_in_any_output_file_or_notification(tmp_path: Path) -> None:
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path)}
    receiver = Receiver()
    outputs: list[str] = []
    processes: list[tuple[subprocess.Popen, Lines, Lines]] = []

    def start(*args: str) -> tuple[subprocess.Popen, Lines, Lines]:
        started = start_onwatch(*args, env=env, cwd=tmp_path)
        processes.append(started)
        return started

    def cli(*args: str, token: str = "OPERATOR_TOKEN") -> str:
        done = subprocess.run(
            [sys.executable, "-m", "onwatch", "--connect", url, "--token-env", token, *args],
            capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env,
        )  # fmt: skip
        outputs.extend((done.stdout, done.stderr))
        return done.stdout

    agent_port = free_port()
    try:
        start("agent", "--listen", f"127.0.0.1:{agent_port}", "--token-env", "AGENT_TOKEN")
        config = tmp_path / "onwatch.toml"
        config.write_text(
            config_text(
                tmp_path / "store" / "incidents.json", f"http://127.0.0.1:{agent_port}", receiver
            )
        )
        subprocess.run(
            [sys.executable, "-m", "onwatch", "check-config", str(config)],
            capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env,
        )  # fmt: skip
        serve, _, serve_err = start("serve", "--config", str(config), "--listen",
                                    f"127.0.0.1:{free_port()}")  # fmt: skip
        url = serve_err.wait("serving on ").strip().removeprefix("serving on ")
        deadline = time.monotonic() + 60
        while not receiver.requests:
            assert time.monotonic() < deadline, "no notification reached the channel"
            time.sleep(0.1)
        cli("incidents", "list", "--json")
        cli("incidents", "ack", "1", "--note", "on it")
        cli("incidents", "show", "1", "--json", token="VIEWER_TOKEN")
        cli("incidents", "close", "1", "--json", token="VIEWER_TOKEN")  # refused: a viewer
        cli("incidents", "close", "1", "--note", "fixed")
        cli("incidents", "list", token="NO_SUCH_VARIABLE")
        for path in ("/v1/incidents", "/v1/sources", "/metrics", "/openapi.json", "/nowhere"):
            for token in (SECRETS["OPERATOR_TOKEN"], SECRETS["VIEWER_TOKEN"] + "x", None):
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                outputs.append(httpx.get(url + path, headers=headers, timeout=10).text)
        serve.send_signal(signal.SIGHUP)
        serve_err.wait("config reloaded")
    finally:
        for process, _, _ in processes:
            process.send_signal(signal.SIGTERM)
        for process, _, _ in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        receiver.close()
    time.sleep(0.2)  # the reader threads drain what the processes wrote last
    for _, out, err in processes:
        outputs.extend(out.seen + err.seen)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            outputs.append(path.read_bytes().decode("utf-8", "replace"))
    outputs.extend(str(r.payload) for r in receiver.requests)
    assert any("far" in text for text in outputs)  # the run did what it claims
    assert len(receiver.requests) >= 2
    text = "\n".join(outputs)
    # The config file names the variables; their values reach only the channel's own request.
    for name, secret in SECRETS.items():
        assert secret not in text, f"{name}'s value leaked"
