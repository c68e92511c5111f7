"""Diagnosis and review over the API: an incident's context and postmortem, ticking its
checklist, its review, and recent changes; bad input refused, viewers only read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from onwatch.incidents import EntryKind
from onwatch.incidents.codec import incident_to_dict
from tests.serve.conftest import VIEWER_TOKEN, Live


def test_the_context_lists_the_checklist_with_the_checks_items_and_runbook(live: Live) -> None:
    with live.client() as client:
        answer = client.get("/v1/incidents/1/context")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"checklist", "changes", "similar"}
    assert [i["text"] for i in body["checklist"]][3:] == [
        "Look at cron",
        "Follow the runbook: https://wiki.example/cpu",
    ]
    assert body["changes"] == [] and body["similar"] == []


def test_check_ticks_an_item_as_the_tokens_holder_and_is_kept(live: Live) -> None:
    with live.client() as client:
        answer = client.post("/v1/incidents/1/check", json={"item": 4})
        again = client.post("/v1/incidents/1/check", json={"item": 4})
        context = client.get("/v1/incidents/1/context").json()
    assert answer.status_code == 200, answer.text
    stored = live.store.get(1)
    assert answer.json() == incident_to_dict(stored) == again.json()
    assert [(t.item, t.by) for t in stored.checked] == [("Look at cron", "dana")]
    assert [e.kind for e in stored.timeline].count(EntryKind.CHECKED) == 1
    assert context["checklist"][3]["done"] is True and context["checklist"][3]["by"] == "dana"
    with live.client() as client:
        undone = client.post("/v1/incidents/1/check", json={"item": 4, "undo": True})
    assert undone.status_code == 200 and live.store.get(1).checked == ()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"item": 0}, 400),
        ({"item": 6}, 400),  # five items: out of range
        ({"item": "1"}, 400),
        ({"item": True}, 400),
        ({"item": 1, "undo": "yes"}, 400),
        ({"item": 1, "by": "mallory"}, 400),
    ],
)
def test_a_bad_check_is_refused_and_changes_nothing(live: Live, body: dict, status: int) -> None:
    before = live.store.get(1)
    with live.client() as client:
        answer = client.post("/v1/incidents/1/check", json=body)
    assert answer.status_code == status, answer.text
    assert set(answer.json()) == {"error"}
    assert live.store.get(1) == before


def test_review_records_the_root_cause_and_appends_actions(live: Live) -> None:
    with live.client() as client:
        first = client.post(
            "/v1/incidents/1/review", json={"root_cause": "a cron job", "actions": ["limit it"]}
        )
        second = client.post("/v1/incidents/1/review", json={"actions": ["alert on it"]})
        empty = client.post("/v1/incidents/1/review", json={})
        bad = client.post("/v1/incidents/1/review", json={"actions": "limit it"})
    assert first.status_code == 200, first.text
    assert second.json()["actions"] == ["limit it", "alert on it"]
    assert second.json()["root_cause"] == "a cron job"
    assert (empty.status_code, bad.status_code) == (400, 400)
    assert live.store.get(1).timeline[-1].by == "dana"


def test_changes_are_recorded_listed_and_near_the_incident(live: Live) -> None:
    assert live.changes is not None
    live.changes.add("old", at=datetime.now(UTC) - timedelta(days=10), by="ci")
    with live.client() as client:
        added = client.post("/v1/changes", json={"text": "deployed v2", "source": "web-01"})
        recent = client.get("/v1/changes").json()
        all_of_them = client.get("/v1/changes", params={"since": "30d"}).json()
        context = client.get("/v1/incidents/1/context").json()
        bad_since = client.get("/v1/changes", params={"since": "soon"})
        empty = client.post("/v1/changes", json={"text": " "})
    assert added.status_code == 201, added.text
    change = added.json()
    assert (change["text"], change["source"], change["by"]) == ("deployed v2", "web-01", "dana")
    assert [c["text"] for c in recent] == ["deployed v2"]
    assert [c["text"] for c in all_of_them] == ["old", "deployed v2"]
    assert [c["id"] for c in context["changes"]] == [change["id"]]
    assert (bad_since.status_code, empty.status_code) == (400, 400)


def test_the_postmortem_is_the_markdown_the_cli_writes(live: Live) -> None:
    with live.client() as client:
        client.post("/v1/incidents/1/note", json={"text": "cron | again"})
        answer = client.get("/v1/incidents/1/postmortem")
        missing = client.get("/v1/incidents/99/postmortem")
    assert answer.status_code == 200, answer.text
    text = answer.json()["markdown"]
    assert text.startswith("# Postmortem: incident #1: web-01 cpu 95% above 90%\n")
    assert "| dana | note: cron \\| again |" in text
    assert missing.status_code == 404


def test_a_viewer_reads_but_may_not_tick_review_or_record(live: Live) -> None:
    with live.client(VIEWER_TOKEN) as client:
        assert client.get("/v1/incidents/1/context").status_code == 200
        assert client.get("/v1/incidents/1/postmortem").status_code == 200
        assert client.get("/v1/changes").status_code == 200
        refused = [
            client.post("/v1/incidents/1/check", json={"item": 1}).status_code,
            client.post("/v1/incidents/1/review", json={"root_cause": "x"}).status_code,
            client.post("/v1/changes", json={"text": "x"}).status_code,
        ]
    assert refused == [403, 403, 403]
    assert live.store.get(1).checked == ()
