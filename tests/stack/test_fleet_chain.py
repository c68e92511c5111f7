"""The whole chain with the real programs: node_exporter scraped by Prometheus, whose rule fires
into Alertmanager, whose webhook opens the incident in `onwatch serve`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.remote.server import free_port
from tests.stack.programs import Alertmanager, NodeExporter, Onwatch, Prometheus, wait_for

pytestmark = [pytest.mark.stack, pytest.mark.timeout(300)]  # several programs on a busy machine


def test_a_prometheus_rule_reaches_onwatch_with_its_labels(tmp_path: Path) -> None:
    am_port = free_port()
    onwatch = Onwatch(tmp_path / "onwatch", f"http://127.0.0.1:{am_port}")
    onwatch.start()
    started = [onwatch]
    try:
        alertmanager = Alertmanager(tmp_path / "alertmanager", onwatch.port, am_port)
        started.append(alertmanager)
        node = NodeExporter(tmp_path / "node")
        started.append(node)
        prometheus = Prometheus(tmp_path / "prometheus", am_port, node.port)
        started.append(prometheus)
        incident = wait_for(
            "the rule's alert in onwatch", lambda: onwatch.external(alertname="NodeExporterUp"), 90
        )
    finally:
        for program in reversed(started):
            program.stop()
    instance = f"127.0.0.1:{node.port}"
    assert incident["labels"] == {
        "alertname": "NodeExporterUp",
        "instance": instance,
        "job": "node",
        "severity": "warning",
        "team": "infra",
    }
    assert incident["title"] == f"node_exporter on {instance} answers"
    assert (incident["source"], incident["check"], incident["severity"]) == (
        instance,
        "NodeExporterUp",
        "warning",
    )
    assert incident["annotations"]["runbook_url"] == "https://wiki.example/runbooks/node"
    assert incident["category"] == "external" and incident["priority"] == "P3"
    assert len(incident["metric"]) == 16  # Alertmanager's fingerprint
