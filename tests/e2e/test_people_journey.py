"""The issue's journey through real processes: a user's report opens an incident that the desk
acknowledges, assigns, hands over to IT support (whose receiver hears of it), closes with a
resolution (the reporter's receiver is told) and that then receives feedback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.conftest import ROOT
from tests.support.receiver import Receiver


def wait_for(condition, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.1)  # another process delivers: there is nothing in this one to wait on


def test_report_to_feedback_with_the_people_told(tmp_path: Path) -> None:
    receiver = Receiver()
    config = tmp_path / "onwatch.toml"
    config.write_text(
        f"""
operator = "desk"
db = "{tmp_path / "incidents.json"}"
[local]
enabled = false
[notify]
desktop = false
[notify.channels]
deskline = "{receiver.url("desk")}"
[roles]
service_desk = {{ members = ["ana"], notify = ["deskline"] }}
it_support = {{ members = ["carl"], notify = ["{receiver.url("it")}"] }}
[lifecycle]
resolution_required = true
"""
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    base = [sys.executable, "-m", "onwatch", "--config", str(config)]

    def onwatch(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*base, *args], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
        )

    engine = subprocess.Popen(
        [*base, "run", "--headless"], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        reporter = receiver.url("reporter")
        opened = onwatch(
            "incidents", "open", "Printer on floor 2 jams", "--source", "printer-2",
            "--description", "every third page", "--reporter", reporter, "--json",
        )  # fmt: skip
        assert opened.returncode == 0, opened.stderr
        number = str(json.loads(opened.stdout)["id"])
        assert onwatch("incidents", "ack", number, "--by", "ana").returncode == 0
        assert onwatch("incidents", "assign", number, "ana").returncode == 0
        handed = onwatch("incidents", "escalate", number, "--to", "it_support")
        assert handed.returncode == 0, handed.stderr
        wait_for(lambda: len(receiver.on("it")) == 1)
        refused = onwatch("incidents", "close", number)
        assert refused.returncode == 2 and "resolution" in refused.stderr
        closed = onwatch("incidents", "close", number, "--note", "replaced the roller")
        assert closed.returncode == 0, closed.stderr
        wait_for(lambda: len(receiver.on("reporter")) == 1)
        rated = onwatch("incidents", "feedback", number, "--rating", "5", "--comment", "works")
        assert rated.returncode == 0, rated.stderr
        shown = json.loads(onwatch("incidents", "show", number, "--json").stdout)
    finally:
        engine.terminate()
        engine.wait(timeout=20)
        receiver.close()
    told = json.dumps(receiver.on("reporter")[0].payload)
    assert "replaced the roller" in told
    assert "Printer on floor 2 jams" in json.dumps(receiver.on("it")[0].payload)
    assert len(receiver.on("it")) == 1 and len(receiver.on("reporter")) == 1
    assert shown["state"] == "closed" and shown["owner"] == "ana"
    assert shown["feedback"][0]["rating"] == 5 and shown["feedback"][0]["comment"] == "works"
    assert reporter not in json.dumps(shown["timeline"])  # the contact URL stays off it
