"""One engine per store: a console beside a running engine sends nothing, and takes the engine
over when that process dies (kill -9 included) without sending anything twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from onwatch.cli.context import Context
from onwatch.cli.main import build_parser
from onwatch.engine.clock import utc_now
from onwatch.engine.local_backend import LocalBackend
from onwatch.store.lease import EngineLease
from onwatch.tui.app import OnwatchApp
from onwatch.tui.widgets.status_bar import StatusBar
from tests.e2e.conftest import ROOT
from tests.e2e.test_headless import closed_port
from tests.support.receiver import Receiver

SIZE = (120, 40)


def write_config(tmp_path: Path, receiver: Receiver) -> Path:
    config = tmp_path / "onwatch.toml"
    config.write_text(
        f"""
operator = "dana"
[local]
enabled = false
[defaults]
interval = "1s"
[[tcp]]
name = "db"
host = "127.0.0.1"
port = {closed_port()}
[notify]
desktop = false
[notify.channels]
first = "{receiver.url("first")}"
second = "{receiver.url("second")}"
[[escalation]]
name = "everything"
steps = [{{ after = "0s", notify = ["first"] }}, {{ after = "6s", notify = ["second"] }}]
"""
    )
    return config


def console_backend(config: Path, db: Path) -> tuple[LocalBackend, Context]:
    """The console as `onwatch` builds it, in this process so Pilot can drive it."""
    args = build_parser().parse_args(["--config", str(config), "--db", str(db)])
    ctx = Context(args, {**os.environ, "USER": "dana"}, utc_now)
    lease = EngineLease(ctx.store.path)
    lease.acquire(ctx.clock())
    backend = LocalBackend(
        ctx.engine,
        operator="dana",
        lease=lease,
        standby=ctx.standby_engine,
        takeover_seconds=0.2,
    )
    return backend, ctx


def start_headless(config: Path, db: Path) -> subprocess.Popen[str]:
    command = ["--config", str(config), "--db", str(db), "run", "--headless"]
    return subprocess.Popen(
        [sys.executable, "-m", "onwatch", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def until(pilot, condition, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "the console did not get there"
        await pilot.pause(0.05)


def header(app: OnwatchApp) -> str:
    return str(app.main.query_one(StatusBar).content)


async def test_a_second_console_sends_nothing_then_takes_over_after_kill_9(
    tmp_path: Path,
) -> None:
    receiver = Receiver()
    config = write_config(tmp_path, receiver)
    db = tmp_path / "incidents.json"
    engine = start_headless(config, db)
    try:
        assert engine.stdout is not None
        assert "opened" in engine.stdout.readline()
        backend, _ = console_backend(config, db)
        app = OnwatchApp(backend, clock=utc_now)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: backend.ready)
            await until(pilot, lambda: f"engine: pid {engine.pid}, since " in header(app))
            await until(pilot, lambda: len(receiver.on("first")) == 1)
            assert [i.id for i in backend.incidents()] == [1]
            assert backend.sources() == []  # the checks' picture is the engine's, not ours

            engine.send_signal(signal.SIGKILL)
            engine.wait()
            killed = time.monotonic()
            await until(pilot, lambda: backend.engine_holder is None, within=10)
            took_over = time.monotonic() - killed
            # The holder is cleared before the new engine starts; the header follows its event.
            await until(pilot, lambda: "engine:" not in header(app), within=5)
            # The second step comes due 6 s after opening: sent once, by this console.
            await until(pilot, lambda: len(receiver.on("second")) == 1, within=20)
            await pilot.pause(2.0)
    finally:
        if engine.poll() is None:
            engine.kill()
            engine.wait()
        receiver.close()
    assert took_over < 5
    assert len(receiver.on("first")) == 1, "the first step was sent again after the takeover"
    assert len(receiver.on("second")) == 1
