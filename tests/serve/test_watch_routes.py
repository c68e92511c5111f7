"""`POST /v1/drills` and `POST /v1/notify/test` on a live server, and the CLI's client for them."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from onwatch.cli.remote import RemoteClient
from onwatch.incidents import Mark
from onwatch.incidents.people import Role
from tests.serve.conftest import OPERATOR_TOKEN, VIEWER_TOKEN, Live, start_live
from tests.support.receiver import Receiver


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def served(tmp_path: Path, receiver: Receiver) -> Iterator[Live]:
    roles = (
        Role("desk", ("ivy",), (receiver.url("desk", query="token=tok-9f8e7d6c"),)),
        Role("night", ("ned",), (f"json://127.0.0.1:{dead_port()}/hook",)),
    )
    server, finish = start_live(tmp_path, roles=roles)
    yield server
    finish()


def test_an_operator_starts_a_drill_and_a_viewer_may_not(served: Live) -> None:
    with served.client() as client:
        answer = client.post("/v1/drills", json={"severity": "warning", "for": "5m"})
        assert answer.status_code == 201, answer.text
        drill = answer.json()
        assert drill["title"].startswith("DRILL") and drill["marks"] == ["drill"]
        assert drill["severity"] == "warning" and drill["source"] == "drill"
        stored = served.store.get(drill["id"])
        assert stored.has(Mark.DRILL)
        assert stored.timeline[-1].by == "dana"

        unknown = client.post("/v1/drills", json={"check": "nope"})
        assert unknown.status_code == 400
        assert unknown.json()["error"] == "no check 'nope' (checks: local)"
        assert client.post("/v1/drills", json={"for": "2d"}).status_code == 400
        assert client.post("/v1/drills", json={"severity": "info"}).status_code == 400
    with served.client(VIEWER_TOKEN) as client:
        assert client.post("/v1/drills", json={}).status_code == 403


def test_notify_test_through_the_api_reports_each_target(served: Live, receiver: Receiver) -> None:
    with served.client() as client:
        answer = client.post("/v1/notify/test", json={})
        assert answer.status_code == 200, answer.text
        assert answer.json() == [
            {"target": "desk", "ok": True, "reason": None},
            {"target": "night", "ok": False, "reason": "connection refused"},
        ]
        (got,) = receiver.on("desk")
        assert "TEST" in got.payload["title"] and "dana" in got.payload["message"]
        assert "tok-9f8e7d6c" not in answer.text

        only = client.post("/v1/notify/test", json={"role": "desk"})
        assert [r["target"] for r in only.json()] == ["desk"]
        wrong = client.post("/v1/notify/test", json={"role": "day"})
        assert wrong.status_code == 400
        assert wrong.json()["error"] == "roles: no role 'day' (roles: desk, night)"


def test_the_cli_client_carries_drills_and_test_messages(served: Live) -> None:
    client = RemoteClient(served.url, OPERATOR_TOKEN)
    incident = client.drill("local", severity="critical", lasting=timedelta(minutes=3))
    assert incident.is_drill and incident.check == "local" and incident.source == "web-01"
    results = client.notify_test(role="night")
    assert results == [{"target": "night", "ok": False, "reason": "connection refused"}]
