"""`onwatch serve` as a real process: the listening line, SIGTERM, refusals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ONWATCH = [sys.executable, "-m", "onwatch"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(tmp_path: Path, body: str = "") -> Path:
    config = tmp_path / "onwatch.toml"
    config.write_text(f'db = "{tmp_path / "incidents.json"}"\n[local]\nenabled = false\n{body}')
    return config


def start(config: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [*ONWATCH, "serve", "--config", str(config), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def wait_serving(process: subprocess.Popen) -> str:
    assert process.stderr is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if line.startswith("serving on "):
            return line.strip().removeprefix("serving on ")
        assert line or process.poll() is None, "serve exited before listening"
    raise AssertionError("no 'serving on' line")


def test_serve_answers_then_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    config = write_config(
        tmp_path,
        '[[serve.tokens]]\nname = "dana"\nrole = "operator"\ntoken = "${DANA_TOKEN}"\n',
    )
    process = start(config, "--listen", f"127.0.0.1:{port}", env={"DANA_TOKEN": "tok-Z9"})
    try:
        url = wait_serving(process)
        assert url == f"http://127.0.0.1:{port}"
        headers = {"Authorization": "Bearer tok-Z9"}
        assert httpx.get(f"{url}/v1/incidents", headers=headers).json() == []
        assert httpx.get(f"{url}/v1/incidents").status_code == 401

        second = start(config, "--listen", f"127.0.0.1:{free_port()}", env={"DANA_TOKEN": "x"})
        _, err = second.communicate(timeout=20)
        assert second.returncode == 1
        assert "another onwatch runs the engine" in err and f"pid {process.pid}" in err

        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 10
    finally:
        process.kill()
        process.wait()
    assert "tok-Z9" not in (process.stderr.read() if process.stderr else "")


def test_no_tokens_off_loopback_exits_2_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*ONWATCH, "serve", "--config", str(write_config(tmp_path)), "--listen", "0.0.0.0:8765"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "without tokens" in result.stderr


def test_an_unset_token_variable_exits_2_naming_it(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, '[[serve.tokens]]\nname = "dana"\nrole = "operator"\ntoken = "${NOPE_TOKEN}"\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "NOPE_TOKEN"}
    result = subprocess.run(
        [*ONWATCH, "serve", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=20,
        env=env,
    )
    assert result.returncode == 2
    assert "NOPE_TOKEN is not set" in result.stderr


def test_config_problems_name_their_lines(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        '[serve]\nlisten = "nowhere"\n'
        '[[serve.tokens]]\nname = "dana"\nrole = "admin"\ntoken = "a"\n'
        '[[serve.tokens]]\nname = "dana"\nrole = "viewer"\ntoken = ""\n',
    )
    result = subprocess.run(
        [*ONWATCH, "check-config", str(config)], capture_output=True, text=True, timeout=20
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any(":5: serve.listen:" in line for line in lines), lines
    assert any(":8: serve.tokens[0].role:" in line for line in lines), lines
    assert any(":11: serve.tokens[1].name: duplicate token name" in line for line in lines), lines
    assert any(":13: serve.tokens[1].token: must not be empty" in line for line in lines), lines


def test_sigterm_with_event_streams_open_and_a_hanging_channel_stops_within_10s(
    tmp_path: Path,
) -> None:
    """A channel that accepts and never answers, an incident to page it, streams open: the
    server ends the streams, the engine gets what is left of the 10 s, no traceback."""
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(16)
    closed = free_port()
    config = write_config(
        tmp_path,
        "[notify]\ndesktop = false\n[notify.channels]\n"
        f'oncall = "json://127.0.0.1:{hanging.getsockname()[1]}/hook"\n'
        f'[[tcp]]\nname = "db"\nhost = "127.0.0.1"\nport = {closed}\ninterval = "1s"\n',
    )
    process = start(config, "--listen", f"127.0.0.1:{free_port()}")
    streams = []
    try:
        url = wait_serving(process)
        deadline = time.monotonic() + 20
        while not httpx.get(f"{url}/v1/incidents").json():
            assert time.monotonic() < deadline, "no incident to page"
            time.sleep(0.1)
        for _ in range(3):
            client = httpx.Client(timeout=30)
            response = client.send(client.build_request("GET", f"{url}/v1/events"), stream=True)
            assert response.status_code == 200
            streams.append((client, response))
        asked = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        took = time.monotonic() - asked
    finally:
        process.kill()
        process.wait()
        for client, response in streams:
            response.close()
            client.close()
        hanging.close()
    err = process.stderr.read() if process.stderr else ""
    assert took < 10, f"took {took:.1f}s"
    assert "Traceback" not in err and "CancelledError" not in err
