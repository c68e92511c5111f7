"""Watching onwatch itself through real processes: `notify test`, the heartbeat of a headless
engine stopped with SIGSTOP, and a drill started from the CLI that the engine sends and ends."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Run
from tests.support.pings import PingReceiver
from tests.support.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "onwatch.toml"
    path.write_text("[local]\nenabled = false\n\n" + body)
    return path


def wait_until(condition: Callable[[], bool], within: float = 30) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def channels_config(receiver: Receiver) -> str:
    return (
        "[notify]\ndesktop = false\n[notify.channels]\n"
        f'chat = "{receiver.url("chat", query="token=s3cr3t-token")}"\n'
        f'pager = "json://127.0.0.1:{dead_port()}/hook?token=s3cr3t-token"\n'
    )


def test_notify_test_prints_each_channel_and_exits_1_when_one_fails(
    onwatch: Run, tmp_path: Path, receiver: Receiver
) -> None:
    config = write_config(tmp_path, channels_config(receiver))
    result = onwatch("--config", str(config), "notify", "test")
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines] == ["chat", "pager"]
    assert lines[0].split()[1] == "ok"
    assert "FAILED: connection refused" in lines[1]
    (got,) = receiver.on("chat")
    assert "TEST" in got.payload["title"] and "TEST" in got.payload["message"]
    assert "s3cr3t-token" not in result.out + result.err

    one = onwatch("--config", str(config), "notify", "test", "--channel", "chat", "--json")
    assert one.code == 0, one.err
    assert json.loads(one.out) == [{"target": "chat", "ok": True, "reason": None}]


def test_notify_test_of_an_unknown_channel_or_role_names_the_file_and_line(
    onwatch: Run, tmp_path: Path, receiver: Receiver
) -> None:
    config = write_config(tmp_path, channels_config(receiver))
    result = onwatch("--config", str(config), "notify", "test", "--channel", "sms")
    assert result.code == 2
    assert result.err.splitlines() == [
        f"{config}:6: notify.channels: no channel 'sms' (channels: chat, pager)"
    ]
    role = onwatch("--config", str(config), "notify", "test", "--role", "it")
    assert role.code == 2
    assert role.err.startswith(f"{config}") and "no role 'it'" in role.err
    assert len(role.err.splitlines()) == 1
    assert not receiver.requests


def headless(config: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
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


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGCONT)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    return err


def test_the_heartbeat_stops_while_the_engine_is_stopped_and_comes_back(tmp_path: Path) -> None:
    pings = PingReceiver()
    config = write_config(
        tmp_path,
        f'[notify]\ndesktop = false\n[heartbeat]\nurl = "{pings.url}"\ninterval = "1s"\n',
    )
    process = headless(config, tmp_path / "incidents.json")
    try:
        wait_until(lambda: pings.count >= 3)
        gaps = sorted(b - a for a, b in zip(pings.times, pings.times[1:], strict=False))
        assert 0.5 < gaps[len(gaps) // 2] < 5, gaps  # the median, as a loaded machine jitters

        process.send_signal(signal.SIGSTOP)
        time.sleep(0.5)  # a call already on the wire may still land
        stopped_at = pings.count
        time.sleep(3)
        assert pings.count == stopped_at

        process.send_signal(signal.SIGCONT)
        wait_until(lambda: pings.count >= stopped_at + 2)
        err = stop(process)
        assert "secret-switch-id" not in err
    finally:
        if process.poll() is None:
            process.kill()
        pings.close()


def test_a_drill_from_the_cli_is_sent_with_drill_in_it_and_resolves_by_itself(
    onwatch: Run, tmp_path: Path, receiver: Receiver
) -> None:
    config = write_config(
        tmp_path,
        "[notify]\ndesktop = false\n[notify.channels]\n"
        f'chat = {{ url = "{receiver.url("chat")}", send_resolved = true }}\n',
    )
    db = tmp_path / "incidents.json"
    process = headless(config, db)
    try:
        assert process.stdout is not None
        drill = onwatch(
            "--config",
            str(config),
            "--db",
            str(db),
            "drill",
            "--for",
            "2s",
            "--severity",
            "warning",
            "--json",
        )
        assert drill.code == 0, drill.err
        incident = json.loads(drill.out)
        assert incident["title"].startswith("DRILL") and "drill" in incident["marks"]

        def told(word: str) -> list[dict]:
            return [r.payload for r in receiver.on("chat") if word in r.payload["title"]]

        wait_until(lambda: told("DRILL"))
        assert "DRILL" in told("DRILL")[0]["message"]
        wait_until(lambda: told("RESOLVED"))
        shown = onwatch("--db", str(db), "incidents", "show", str(incident["id"]))
        # Ends on the engine's next tick once its 2s are up.
        assert re.search(r"drill over: never acknowledged, resolved after [2-9]s", shown.out)
        stop(process)
    finally:
        if process.poll() is None:
            process.kill()


def test_drill_of_an_unknown_check_is_a_usage_error(onwatch: Run, tmp_path: Path) -> None:
    config = write_config(tmp_path, '[[tcp]]\nname = "db"\nhost = "127.0.0.1"\nport = 1\n')
    result = onwatch("--config", str(config), "drill", "web")
    assert result.code == 2
    assert result.err.strip() == "onwatch: no check 'web' (checks: db)"
    too_long = onwatch("--config", str(config), "drill", "--for", "3d")
    assert too_long.code == 2
    assert too_long.err.strip() == "onwatch: a drill lasts more than 0s and at most 1d"
