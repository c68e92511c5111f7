"""`POST /v1/alertmanager` against the real server: what a version 4 payload does to incidents,
what is refused (400, one line, nothing stored) and who may post it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from onwatch.engine.local_backend import LocalBackend
from onwatch.serve import Token
from tests.serve.conftest import OPERATOR_TOKEN, TOKENS, VIEWER_TOKEN, Live, start_live

AM_TOKEN = "am-Secret-9c41d7"


def alert(status: str = "firing", **labels: str) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": "DiskFull", "instance": "db-02:9100", **labels},
        "annotations": {
            "summary": "db-02 /var is 97% full",
            "runbook_url": "https://wiki.example/runbooks/disk",
        },
        "startsAt": "2026-12-01T09:52:26.739266876+02:00",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=disk",
        "fingerprint": "1a30ba71cca2921f",
    }


def payload(*alerts: dict[str, Any], status: str = "firing") -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": '{}:{alertname="DiskFull"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "onwatch",
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": {"alertname": "DiskFull"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts),
    }


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    server, finish = start_live(tmp_path, tokens=(*TOKENS, Token("am", "alertmanager", AM_TOKEN)))
    yield server
    finish()


def external(live: Live) -> list[dict[str, Any]]:
    with live.client() as client:
        found = client.get("/v1/incidents", params={"state": "all"}).json()
    return [i for i in found if i["category"] == "external"]


def post(live: Live, body: Any, token: str = AM_TOKEN):
    with live.client(token) as client:
        raw = body if isinstance(body, bytes) else orjson.dumps(body)
        return client.post("/v1/alertmanager", content=raw)


def test_a_firing_alert_opens_an_external_incident_with_its_labels_and_runbook(live: Live) -> None:
    answer = post(live, payload(alert(severity="critical")))
    assert answer.status_code == 200, answer.text
    (incident,) = external(live)
    assert answer.json()["changed"] == [{"id": incident["id"], "event": "opened"}]
    assert incident["title"] == "db-02 /var is 97% full"
    assert incident["severity"] == "critical"
    assert incident["priority"] == "P2"
    assert incident["source"] == "db-02:9100"
    assert incident["check"] == "DiskFull"
    assert incident["fingerprint"] == "db-02:9100/DiskFull/1a30ba71cca2921f"
    assert incident["labels"] == {
        "alertname": "DiskFull",
        "instance": "db-02:9100",
        "severity": "critical",
    }
    assert incident["annotations"]["runbook_url"] == "https://wiki.example/runbooks/disk"
    assert incident["timeline"][0]["by"] == "am"
    stored = live.store.get(incident["id"])
    backend = LocalBackend(live.engine, operator="x", run_checks=False)
    assert backend.runbook(stored) == "https://wiki.example/runbooks/disk"


def test_repeats_refresh_without_timeline_entries_and_resolved_resolves(live: Live) -> None:
    post(live, payload(alert()))
    (first,) = external(live)
    for _ in range(3):
        assert post(live, payload(alert())).json()["refreshed"] == 1
    (again,) = external(live)
    assert again["id"] == first["id"]
    assert len(again["timeline"]) == len(first["timeline"])
    assert again["last_seen_at"] >= first["last_seen_at"]
    assert again["severity"] == "warning"  # no severity label
    answer = post(live, payload(alert("resolved"), status="resolved"))
    assert answer.json()["changed"] == [{"id": first["id"], "event": "resolved"}]
    (resolved,) = external(live)
    assert resolved["state"] == "resolved"
    assert resolved["timeline"][-1]["note"] == "resolved in Alertmanager"
    # Resolved again (Alertmanager resends): nothing changes.
    assert post(live, payload(alert("resolved"), status="resolved")).json()["changed"] == []


def test_without_fingerprint_or_summary_the_labels_identify_and_name_it(live: Live) -> None:
    bare = alert()
    del bare["fingerprint"]
    bare["annotations"] = {}
    shuffled = copy.deepcopy(bare)
    shuffled["labels"] = dict(reversed(list(bare["labels"].items())))
    post(live, payload(bare))
    post(live, payload(shuffled))
    (incident,) = external(live)
    assert incident["title"] == "DiskFull on db-02:9100"
    assert incident["metric"].startswith("labels:")


def test_a_higher_severity_upgrades_and_a_new_fingerprint_is_a_new_incident(live: Live) -> None:
    post(live, payload(alert()))
    post(live, payload(alert(severity="critical")))
    other = alert(instance="db-03:9100")
    other["fingerprint"] = "ffff0000aaaa1111"
    post(live, payload(other))
    found = sorted(external(live), key=lambda i: i["id"])
    assert [i["severity"] for i in found] == ["critical", "warning"]
    assert found[0]["timeline"][-1]["kind"] == "upgraded"


BAD = {
    "version 3": lambda p: p.update(version="3"),
    "version as a number": lambda p: p.update(version=4),
    "no version": lambda p: p.pop("version"),
    "alerts not an array": lambda p: p.update(alerts={"a": 1}),
    "a status that is not firing or resolved": lambda p: p["alerts"][0].update(status="pending"),
    "a label value that is a number": lambda p: p["alerts"][0]["labels"].update(job=3),
    "no labels": lambda p: p["alerts"][0].update(labels={}),
    "an annotation over 4000 characters": lambda p: p["alerts"][0]["annotations"].update(
        description="x" * 4001
    ),
    "a startsAt that is no time": lambda p: p["alerts"][0].update(startsAt="yesterday"),
    "a fingerprint with a slash": lambda p: p["alerts"][0].update(fingerprint="../../x"),
    "too many labels": lambda p: p["alerts"][0]["labels"].update({f"l{n}": "v" for n in range(70)}),
    "too many alerts": lambda p: p.update(alerts=[alert()] * 1001),
    "truncatedAlerts negative": lambda p: p.update(truncatedAlerts=-1),
    "groupKey missing": lambda p: p.pop("groupKey"),
}


@pytest.mark.parametrize("problem", sorted(BAD))
def test_an_invalid_payload_is_refused_in_one_line_and_nothing_is_stored(
    live: Live, problem: str
) -> None:
    body = payload(alert(), alert(instance="web-9"))
    BAD[problem](body)
    answer = post(live, body)
    assert answer.status_code == 400, (problem, answer.text)
    message = answer.json()["error"]
    assert "\n" not in message and message
    assert external(live) == []


@pytest.mark.parametrize(
    "raw",
    [b"[1, 2]", b"{not json", b'"4"', orjson.dumps(payload(alert())) + b" " * (1024 * 1024)],
    ids=["an array", "not JSON", "a string", "over a mebibyte"],
)
def test_bodies_that_are_not_a_payload_are_refused(live: Live, raw: bytes) -> None:
    answer = post(live, raw)
    assert answer.status_code == 400, answer.text
    assert external(live) == []


def test_the_alertmanager_role_may_post_alerts_and_nothing_else(live: Live) -> None:
    with live.client(AM_TOKEN) as client:
        assert client.get("/v1/incidents").status_code == 403
        assert client.post("/v1/incidents/1/ack").status_code == 403
        assert client.get("/v1/events").status_code == 403
    assert post(live, payload(alert()), token=VIEWER_TOKEN).status_code == 403
    assert post(live, payload(alert()), token="wrong").status_code == 401
    assert post(live, payload(alert()), token=OPERATOR_TOKEN).status_code == 200
    assert len(external(live)) == 1
