"""The real fleet programs (Debian's prometheus, prometheus-alertmanager and
prometheus-node-exporter) and `onwatch serve`, each started on a free 127.0.0.1 port in a tmp dir.

The configs written here are the ones the README's fleet section shows.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.remote.server import Server, free_port

T = TypeVar("T")
ALERTMANAGER_TOKEN = "am-hook-4d2e91-secret"
START_SECONDS = 30.0

ALERTMANAGER_YML = """\
route:
  receiver: onwatch
  group_by: [alertname, instance]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1m
receivers:
  - name: onwatch
    webhook_configs:
      - url: http://127.0.0.1:{onwatch_port}/v1/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: {token}
"""

PROMETHEUS_YML = """\
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:{alertmanager_port}"]
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:{node_port}"]
"""

RULES_YML = """\
groups:
  - name: fleet
    rules:
      - alert: NodeExporterUp
        expr: up{job="node"} == 1
        for: 0s
        labels:
          severity: warning
          team: infra
        annotations:
          summary: "node_exporter on {{ $labels.instance }} answers"
          runbook_url: https://wiki.example/runbooks/node
"""

ONWATCH_TOML = """\
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
name = "alertmanager"
role = "alertmanager"
token = "${{ALERTMANAGER_TOKEN}}"
[alertmanager]
url = "{alertmanager_url}"
poll = "1s"
"""


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = START_SECONDS) -> T:
    """Poll `probe` until it returns something (bounded): these are other processes, with no
    event to wait on."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Program:
    """One external program in its own directory, stopped at the end of the test."""

    def __init__(self, home: Path, name: str, argv: list[str], ready_url: str) -> None:
        self.home = home
        self.log = home / f"{name}.log"
        self.name = name
        home.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            argv, cwd=home, stdout=subprocess.DEVNULL, stderr=self.log.open("ab")
        )
        try:
            wait_for(f"{name} to start ({self.log})", lambda: self._ready(ready_url))
        except BaseException:
            self.stop()  # never left running behind a failed test
            raise

    def _ready(self, url: str) -> bool:
        assert self.process.poll() is None, f"{self.name} exited: {self.log.read_text()}"
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class Alertmanager(Program):
    def __init__(self, home: Path, onwatch_port: int, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        home.mkdir(parents=True, exist_ok=True)
        config = home / "alertmanager.yml"
        config.write_text(
            ALERTMANAGER_YML.format(onwatch_port=onwatch_port, token=ALERTMANAGER_TOKEN)
        )
        argv = [
            "/usr/bin/prometheus-alertmanager",
            f"--config.file={config}",
            f"--storage.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--cluster.listen-address=",  # no gossip: one Alertmanager, no cluster port
        ]
        super().__init__(home, "alertmanager", argv, f"{self.url}/-/ready")

    def post_alert(
        self, labels: dict[str, str], *, ends_at: str | None = None, **annotations: str
    ) -> None:
        alert: dict[str, Any] = {"labels": labels, "annotations": annotations}
        if ends_at is not None:
            alert["endsAt"] = ends_at
        answer = httpx.post(f"{self.url}/api/v2/alerts", json=[alert], timeout=5)
        assert answer.status_code == 200, answer.text

    def silences(self) -> list[dict[str, Any]]:
        return httpx.get(f"{self.url}/api/v2/silences", timeout=5).json()


class NodeExporter(Program):
    def __init__(self, home: Path) -> None:
        self.port = free_port()
        argv = [
            "/usr/bin/prometheus-node-exporter",
            f"--web.listen-address=127.0.0.1:{self.port}",
            # A light exporter on a busy test machine: `up` is all the rule needs.
            "--collector.disable-defaults",
            "--collector.loadavg",
        ]
        super().__init__(home, "node-exporter", argv, f"http://127.0.0.1:{self.port}/metrics")


class Prometheus(Program):
    def __init__(self, home: Path, alertmanager_port: int, node_port: int) -> None:
        self.port = free_port()
        home.mkdir(parents=True, exist_ok=True)
        (home / "prometheus.yml").write_text(
            PROMETHEUS_YML.format(alertmanager_port=alertmanager_port, node_port=node_port)
        )
        (home / "rules.yml").write_text(RULES_YML)
        argv = [
            "/usr/bin/prometheus",
            f"--config.file={home / 'prometheus.yml'}",
            f"--storage.tsdb.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
        ]
        super().__init__(home, "prometheus", argv, f"http://127.0.0.1:{self.port}/-/ready")


class Onwatch(Server):
    """`onwatch serve` with an alertmanager token and `[alertmanager] url`."""

    def __init__(self, home: Path, alertmanager_url: str) -> None:
        super().__init__(home)
        self.config.write_text(
            ONWATCH_TOML.format(port=self.port, alertmanager_url=alertmanager_url)
        )
        self.env["ALERTMANAGER_TOKEN"] = ALERTMANAGER_TOKEN

    def incidents(self) -> list[dict[str, Any]]:
        done = self.onwatch("incidents", "list", "--state", "all", "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def external(self, **labels: str) -> dict[str, Any] | None:
        for incident in self.incidents():
            if incident["category"] == "external" and labels.items() <= incident["labels"].items():
                return incident
        return None
