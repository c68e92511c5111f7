"""The people in an incident over the API: reports, assignment, hand-over to a role, feedback,
a resolution when one is required, the roles without their notify targets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onwatch.incidents import State
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.people import Role
from tests.serve.conftest import VIEWER_TOKEN, Live, start_live

SECRET_URL = "json://hooks.example/it?token=s3cr3t"


@pytest.fixture
def staffed(tmp_path: Path) -> Iterator[Live]:
    roles = (Role("it_support", ("ana", "ben"), (SECRET_URL,)), Role("service_desk", ("cy",)))
    server, finish = start_live(tmp_path, roles=roles, resolution_required=True)
    yield server
    finish()


def test_a_report_opens_an_incident_and_a_second_one_adds_to_it(live: Live) -> None:
    report = {"title": "VPN down", "source": "vpn", "reporter": "ana", "description": "since 9"}
    with live.client() as client:
        first = client.post("/v1/incidents", json=report)
        second = client.post("/v1/incidents", json={**report, "reporter": "ben"})
    assert first.status_code == 201, first.text
    assert second.status_code == 200, second.text
    opened = first.json()
    assert (opened["category"], opened["severity"], opened["reporter"]) == (
        "reported",
        "warning",
        "ana",
    )
    assert opened["description"] == "since 9" and opened["reports"] == 1
    assert second.json()["id"] == opened["id"]
    stored = live.store.get(opened["id"])
    assert second.json() == incident_to_dict(stored)
    assert stored.reports == 2 and stored.timeline[-1].by == "dana"


def test_defaults_of_a_report(live: Live) -> None:
    with live.client() as client:
        answer = client.post("/v1/incidents", json={"title": "printer jammed"})
    assert answer.status_code == 201
    assert answer.json()["source"] == "reported"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 201},
        {"title": 5},
        {"title": "t", "severity": "dire"},
        {"title": "t", "category": "gossip"},
        {"title": "t", "reporter": "nosuch://thing"},
        {"title": "t", "reporter": 3},
        {"title": "t", "by": "mallory"},
        {"title": "t", "description": "d" * 4001},
    ],
)
def test_bad_reports_are_400_and_store_nothing(live: Live, body: dict) -> None:
    before = live.store.list(set(State))
    with live.client() as client:
        answer = client.post("/v1/incidents", json=body)
    assert answer.status_code == 400, answer.text
    assert set(answer.json()) == {"error"}
    assert live.store.list(set(State)) == before


def test_assign_and_the_mine_filter(live: Live) -> None:
    with live.client() as client:
        owned = client.post("/v1/incidents/2/assign", json={"name": "dana"})
        managed = client.post(
            "/v1/incidents/2/assign", json={"name": "eve", "as": "incident_manager"}
        )
        client.post("/v1/incidents/3/assign", json={"name": "someone-else"})
        mine = client.get("/v1/incidents", params={"mine": "true"}).json()
        everyone = client.get("/v1/incidents").json()
        bad = client.post("/v1/incidents/2/assign", json={"name": "x", "as": "boss"})
        empty = client.post("/v1/incidents/2/assign", json={"name": " "})
        missing = client.post("/v1/incidents/99/assign", json={"name": "x"})
        bad_mine = client.get("/v1/incidents", params={"mine": "yes"})
    assert owned.status_code == 200 and managed.status_code == 200
    stored = live.store.get(2)
    assert (stored.owner, stored.incident_manager) == ("dana", "eve")
    assert [i["id"] for i in mine] == [2]
    assert len(everyone) == 3
    assert (bad.status_code, empty.status_code, missing.status_code) == (400, 400, 404)
    assert bad_mine.status_code == 400


def test_escalate_to_a_role_hands_over_and_an_unknown_role_is_400(staffed: Live) -> None:
    with staffed.client() as client:
        unknown = client.post("/v1/incidents/1/escalate", json={"to": "facilities"})
        handed = client.post("/v1/incidents/1/escalate", json={"to": "it_support", "note": "hw"})
    assert unknown.status_code == 400 and "facilities" in unknown.json()["error"]
    assert handed.status_code == 200, handed.text
    last = staffed.store.get(1).timeline[-1]
    assert (last.note, last.by) == ("handed over to it_support: hw", "dana")


def test_roles_list_names_and_members_never_targets(staffed: Live) -> None:
    with staffed.client(VIEWER_TOKEN) as client:
        answer = client.get("/v1/roles")
    assert answer.status_code == 200
    assert answer.json() == [
        {"name": "it_support", "members": ["ana", "ben"]},
        {"name": "service_desk", "members": ["cy"]},
    ]
    assert "s3cr3t" not in answer.text


def test_close_needs_a_resolution_when_required(staffed: Live) -> None:
    with staffed.client() as client:
        bare = client.post("/v1/incidents/1/close")
        resolved = client.post("/v1/incidents/1/close", json={"note": "new disk"})
    assert bare.status_code == 400 and "resolution" in bare.json()["error"]
    assert resolved.status_code == 200
    assert staffed.store.get(1).state is State.CLOSED


def test_feedback_only_once_resolved_and_rated_1_to_5(live: Live) -> None:
    with live.client() as client:
        early = client.post("/v1/incidents/1/feedback", json={"rating": 5})
        client.post("/v1/incidents/1/close", json={"note": "fixed"})
        out_of_range = [
            client.post("/v1/incidents/1/feedback", json={"rating": r}).status_code
            for r in (0, 6, True, "5", 4.5)
        ]
        missing = client.post("/v1/incidents/1/feedback", json={"comment": "x"})
        given = client.post("/v1/incidents/1/feedback", json={"rating": 4, "comment": "ok"})
    assert early.status_code == 409
    assert out_of_range == [400] * 5 and missing.status_code == 400
    assert given.status_code == 200
    assert given.json()["feedback"][0] | {"at": None} == {
        "rating": 4,
        "comment": "ok",
        "by": "dana",
        "at": None,
    }


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/incidents", {"title": "x"}),
        ("/v1/incidents/1/assign", {"name": "vic"}),
        ("/v1/incidents/1/escalate", {"to": "it_support"}),
        ("/v1/incidents/1/feedback", {"rating": 5}),
    ],
)
def test_a_viewer_may_not_report_assign_hand_over_or_rate(
    staffed: Live, path: str, body: dict
) -> None:
    before = staffed.store.list(set(State))
    with staffed.client(VIEWER_TOKEN) as client:
        answer = client.post(path, json=body)
    assert answer.status_code == 403
    assert staffed.store.list(set(State)) == before
