"""`onwatch serve` as a real subprocess on 127.0.0.1, on a store the test seeded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import ROOT

OPERATOR_TOKEN = "op-7f3a9c-secret"
VIEWER_TOKEN = "view-51b2e0-secret"
REPORTER_TOKEN = "rep-8d04c7-secret"

# This host is not watched: on a loaded machine its load check would open incidents of its own
# and shift the ids and counts the tests read.
CONFIG = """
operator = "dana"
[local]
enabled = false
[serve]
listen = "127.0.0.1:{port}"
[[serve.tokens]]
name = "dana"
role = "operator"
token = "${{DANA_TOKEN}}"
[[serve.tokens]]
name = "vic"
role = "viewer"
token = "${{VIC_TOKEN}}"
[[serve.tokens]]
name = "rita"
role = "reporter"
token = "${{RITA_TOKEN}}"
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.db = home / "db" / "incidents.json"
        self.port = free_port()
        self.db.parent.mkdir(parents=True, exist_ok=True)
        self.config = home / "onwatch.toml"
        self.config.write_text(CONFIG.format(port=self.port))
        self.env = {
            **os.environ,
            "ONWATCH_DB": str(self.db),
            "XDG_CONFIG_HOME": str(home / "xdg-config"),
            "XDG_DATA_HOME": str(home / "xdg-data"),
            "DANA_TOKEN": OPERATOR_TOKEN,
            "VIC_TOKEN": VIEWER_TOKEN,
            "RITA_TOKEN": REPORTER_TOKEN,
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("ONWATCH_CONFIG", None)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "onwatch", "serve", "--config", str(self.config)],
            env=self.env,
            cwd=self.home,
            stdout=subprocess.DEVNULL,
            stderr=(self.home / "serve.log").open("ab"),
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.home / "serve.log").read_text()
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)  # polling a starting process: there is no event to wait on
        raise AssertionError("onwatch serve did not start")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def onwatch(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A script on this machine, against the server's store (not through the API)."""
        return subprocess.run(
            [sys.executable, "-m", "onwatch", *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=30,
        )
