"""Alertmanager (the real one) sending its webhook to `onwatch serve` (a real subprocess), and
onwatch keeping silences in it for what people acknowledge."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.remote.server import OPERATOR_TOKEN, free_port
from tests.stack.programs import ALERTMANAGER_TOKEN, Alertmanager, Onwatch, wait_for

pytestmark = [pytest.mark.stack, pytest.mark.timeout(300)]  # several programs on a busy machine
WAIT = 60.0
"""Alertmanager groups for a second, onwatch ticks every second; a loaded machine is slower."""


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[tuple[Alertmanager, Onwatch]]:
    am_port = free_port()
    onwatch = Onwatch(tmp_path / "onwatch", f"http://127.0.0.1:{am_port}")
    onwatch.start()
    try:
        alertmanager = Alertmanager(tmp_path / "alertmanager", onwatch.port, am_port)
        try:
            yield alertmanager, onwatch
        finally:
            alertmanager.stop()
    finally:
        onwatch.stop()
    log = (onwatch.home / "serve.log").read_text()
    assert ALERTMANAGER_TOKEN not in log and "Traceback" not in log, log


def labels(name: str) -> dict[str, str]:
    return {"alertname": name, "instance": "db-02:9100", "severity": "critical", "job": "node"}


def past() -> str:
    return (datetime.now(UTC) - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")


def api(onwatch: Onwatch) -> httpx.Client:
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    return httpx.Client(base_url=onwatch.url, headers=headers, timeout=10)


def ours(alertmanager: Alertmanager, silence_id: str) -> dict | None:
    for silence in alertmanager.silences():
        if silence["id"] == silence_id:
            return silence
    return None


def test_an_alert_opens_an_incident_and_the_same_alert_ended_resolves_it(fleet) -> None:
    alertmanager, onwatch = fleet
    alertmanager.post_alert(labels("DiskFull"), summary="db-02 /var is 97% full")
    incident = wait_for("the incident", lambda: onwatch.external(alertname="DiskFull"), WAIT)
    assert incident["state"] == "triggered"
    assert incident["title"] == "db-02 /var is 97% full"
    assert (incident["severity"], incident["source"], incident["check"]) == (
        "critical",
        "db-02:9100",
        "DiskFull",
    )
    assert incident["labels"] == labels("DiskFull")
    assert incident["timeline"][0]["by"] == "alertmanager"  # the token's name
    shown = onwatch.onwatch("incidents", "show", str(incident["id"])).stdout
    assert "label: severity=critical" in shown
    assert "annotation: summary=db-02 /var is 97% full" in shown
    alertmanager.post_alert(labels("DiskFull"), ends_at=past(), summary="db-02 /var is 97% full")
    resolved = wait_for(
        "the resolution",
        lambda: (i := onwatch.external(alertname="DiskFull")) and i["state"] == "resolved" and i,
        WAIT,
    )
    assert resolved["id"] == incident["id"]
    assert resolved["timeline"][-1]["note"] == "resolved in Alertmanager"


def test_acknowledging_silences_its_labels_in_alertmanager_and_closing_expires_it(fleet) -> None:
    alertmanager, onwatch = fleet
    alertmanager.post_alert(labels("MemoryLow"), summary="db-02 memory low")
    incident = wait_for("the incident", lambda: onwatch.external(alertname="MemoryLow"), WAIT)
    with api(onwatch) as client:
        answer = client.post(f"/v1/incidents/{incident['id']}/ack", json={"note": "on it"})
        assert answer.status_code == 200, answer.text
    held = wait_for(
        "the silence id on the incident",
        lambda: onwatch.external(alertname="MemoryLow")["alertmanager_silence"],
        WAIT,
    )
    silence = ours(alertmanager, held)
    assert silence is not None and silence["status"]["state"] == "active"
    assert silence["createdBy"] == "onwatch"
    assert f"#{incident['id']}" in silence["comment"]
    matchers = {
        (m["name"], m["value"], m["isRegex"], m.get("isEqual", True)) for m in silence["matchers"]
    }
    assert matchers == {(k, v, False, True) for k, v in labels("MemoryLow").items()}
    ends = datetime.fromisoformat(silence["endsAt"].replace("Z", "+00:00"))
    assert timedelta(minutes=55) < ends - datetime.now(UTC) <= timedelta(minutes=61)
    # Close through the CLI on another machine (--connect).
    env = {k: v for k, v in onwatch.env.items() if k not in ("ONWATCH_DB", "DANA_TOKEN")}
    env["ONWATCH_TOKEN"] = OPERATOR_TOKEN
    env["XDG_CONFIG_HOME"] = str(onwatch.home / "client-config")
    closed = subprocess.run(
        [
            sys.executable,
            "-m",
            "onwatch",
            "incidents",
            "close",
            str(incident["id"]),
            "--note",
            "swap added",
            "--connect",
            onwatch.url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert closed.returncode == 0, closed.stderr
    wait_for(
        "the silence to expire",
        lambda: ours(alertmanager, held)["status"]["state"] == "expired",
        WAIT,
    )
    final = onwatch.external(alertname="MemoryLow")
    assert final["state"] == "closed" and final["alertmanager_silence"] is None
    notes = [e["note"] for e in final["timeline"] if e["kind"] == "alertmanager"]
    assert notes[0].startswith("silenced in Alertmanager until") and held in notes[0]
    assert notes[-1] == f"Alertmanager silence {held} expired"


def test_a_silenced_alert_that_stops_firing_resolves_the_incident(fleet) -> None:
    """The silence mutes the resolved notification too: onwatch asks Alertmanager instead."""
    alertmanager, onwatch = fleet
    alertmanager.post_alert(labels("CpuHot"), summary="db-02 cpu hot")
    incident = wait_for("the incident", lambda: onwatch.external(alertname="CpuHot"), WAIT)
    with api(onwatch) as client:
        assert client.post(f"/v1/incidents/{incident['id']}/ack").status_code == 200
    held = wait_for(
        "the silence", lambda: onwatch.external(alertname="CpuHot")["alertmanager_silence"], WAIT
    )
    alertmanager.post_alert(labels("CpuHot"), ends_at=past(), summary="db-02 cpu hot")
    resolved = wait_for(
        "the resolution",
        lambda: (i := onwatch.external(alertname="CpuHot")) and i["state"] == "resolved" and i,
        WAIT,
    )
    assert any(e["note"] == "no longer firing in Alertmanager" for e in resolved["timeline"])
    wait_for(
        "the silence to expire",
        lambda: ours(alertmanager, held)["status"]["state"] == "expired",
        WAIT,
    )
