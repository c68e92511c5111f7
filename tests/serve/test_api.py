"""The v1 API against a real server: reads, actions, roles, errors, limits."""

from __future__ import annotations

import logging
import socket
import time

import httpx
import pytest

from onwatch.incidents import State
from onwatch.incidents.codec import incident_to_dict
from onwatch.serve.protocol import DeadlineH11Protocol
from tests.serve.conftest import OPERATOR_TOKEN, SECRETS, VIEWER_TOKEN, Live


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def test_health_and_openapi_need_no_token(live: Live) -> None:
    with live.client(token=None) as client:
        assert client.get("/v1/health").json() == {"status": "ok", "version": "0.1.0"}
        document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.0")
    assert "/v1/incidents/{id}/ack" in document["paths"]


def test_list_is_what_the_cli_lists_in_the_same_order(live: Live) -> None:
    with live.client(VIEWER_TOKEN) as client:
        listed = client.get("/v1/incidents").json()
        page = client.get("/v1/incidents", params={"limit": 1, "offset": 1}).json()
        closed = client.get("/v1/incidents", params={"state": "closed"}).json()
    expected = [incident_to_dict(i) for i in live.store.list({s for s in State if s.is_open})]
    assert listed == expected and len(listed) == 3
    assert page == expected[1:2]
    assert closed == []


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "1001"}, {"offset": "-1"}, {"limit": "x"}, {"state": "gone"}],
)
def test_bad_query_is_400(live: Live, params: dict[str, str]) -> None:
    with live.client() as client:
        response = client.get("/v1/incidents", params=params)
    assert response.status_code == 400 and "error" in response.json()


def test_one_incident_and_an_unknown_one(live: Live) -> None:
    with live.client(VIEWER_TOKEN) as client:
        assert client.get("/v1/incidents/2").json() == incident_to_dict(live.store.get(2))
        missing = client.get("/v1/incidents/99")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no incident 99"}


@pytest.mark.parametrize(
    ("verb", "body", "kind", "check"),
    [
        ("ack", {"note": "on it"}, "acknowledged", lambda i: i.state is State.ACKNOWLEDGED),
        ("escalate", {}, "escalated", lambda i: i.escalation_level >= 1),
        ("note", {"text": "disk is a red herring"}, "note", lambda i: True),
        ("priority", {"priority": "p1"}, "priority", lambda i: i.priority.value == "P1"),
        ("close", None, "closed", lambda i: i.state is State.CLOSED),
    ],
)
def test_each_action_changes_the_store_and_names_the_token_holder(
    live: Live, verb: str, body: dict | None, kind: str, check
) -> None:
    with live.client() as client:
        response = client.post(f"/v1/incidents/1/{verb}", json=body)
    assert response.status_code == 200, response.text
    stored = live.store.get(1)
    assert response.json() == incident_to_dict(stored)
    assert check(stored)
    last = stored.timeline[-1]
    assert last.by == "dana"
    assert kind in str(last.kind) or kind in last.note or verb == "note"


def test_reopen_after_close_and_transitions_not_allowed_are_409(live: Live) -> None:
    with live.client() as client:
        assert client.post("/v1/incidents/3/close").status_code == 200
        again = client.post("/v1/incidents/3/ack", json={"note": "late"})
        reopened = client.post("/v1/incidents/3/reopen", json={"note": "not fixed"})
    assert again.status_code == 409 and "error" in again.json()
    assert reopened.status_code == 200
    assert live.store.get(3).state is State.TRIGGERED
    assert live.store.get(3).timeline[-1].by == "dana"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/incidents/1/ack", b'{"note": 5}'),
        ("/v1/incidents/1/ack", b'{"by": "mallory"}'),
        ("/v1/incidents/1/ack", b"{not json"),
        ("/v1/incidents/1/ack", b"[]"),
        ("/v1/incidents/1/note", b"{}"),
        ("/v1/incidents/1/note", b'{"text": "   "}'),
        ("/v1/incidents/1/priority", b'{"priority": "P9"}'),
        ("/v1/incidents/1/ack", b'{"note": "' + b"x" * 5000 + b'"}'),
        ("/v1/silences", b'{"match": {"host": "x"}, "for": "1h", "reason": "r"}'),
        ("/v1/silences", b'{"match": {"source": "x"}, "for": "91d", "reason": "r"}'),
        ("/v1/silences", b'{"match": {"source": "x"}, "for": "1h"}'),
    ],
)
def test_bad_bodies_are_400_and_change_nothing(live: Live, path: str, body: bytes) -> None:
    before = live.store.get(1)
    with live.client() as client:
        response = client.post(path, content=body)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error"}
    assert live.store.get(1) == before
    assert live.silences.list() == []


def test_viewer_may_read_but_not_act(live: Live) -> None:
    before = live.store.get(1)
    with live.client(VIEWER_TOKEN) as client:
        response = client.post("/v1/incidents/1/ack", json={"note": "x"})
        silence = client.post(
            "/v1/silences", json={"match": {"source": "web-*"}, "for": "1h", "reason": "r"}
        )
    assert response.status_code == 403 and silence.status_code == 403
    assert "error" in response.json()
    assert live.store.get(1) == before
    assert live.silences.list() == []


@pytest.mark.parametrize("header", [None, "Bearer nope", f"Basic {OPERATOR_TOKEN}", "Bearer"])
def test_no_or_wrong_token_is_401(live: Live, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=live.url, timeout=5) as client:
        for method, path in (("GET", "/v1/incidents"), ("POST", "/v1/incidents/1/ack")):
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert "error" in response.json()
            assert_no_secret(response.text)
    assert live.store.get(1).state is State.TRIGGERED


def test_unknown_route_and_wrong_method_answer_json(live: Live) -> None:
    with live.client() as client:
        missing = client.get("/v1/nothing")
        wrong = client.put("/v1/incidents")
    assert missing.status_code == 404 and "error" in missing.json()
    assert wrong.status_code == 405 and "error" in wrong.json()


def test_silences_add_list_expire(live: Live) -> None:
    body = {"match": {"source": "web-*", "check": "local"}, "for": "2h", "reason": "reboots"}
    with live.client() as client:
        added = client.post("/v1/silences", json=body)
        assert added.status_code == 201, added.text
        silence = added.json()
        current = client.get("/v1/silences").json()
        expired = client.delete(f"/v1/silences/{silence['id']}")
        again = client.delete(f"/v1/silences/{silence['id']}")
        unknown = client.delete("/v1/silences/77")
        everything = client.get("/v1/silences", params={"all": "true"}).json()
        now_current = client.get("/v1/silences").json()
    assert silence["created_by"] == "dana" and silence["matchers"] == body["match"]
    assert current == [silence]
    assert expired.status_code == 200 and expired.json()["expired_at"] is not None
    assert again.status_code == 409 and unknown.status_code == 404
    assert [s["id"] for s in everything] == [silence["id"]] and now_current == []
    assert live.silences.get(silence["id"]).expired_at is not None


def test_sources_come_from_the_engine(live: Live) -> None:
    with live.client(VIEWER_TOKEN) as client:
        sources = client.get("/v1/sources").json()
    assert sources[0]["name"] == "web-01" and sources[0]["kind"] == "host"
    assert sources[0]["samples"]["cpu"]["value"] == 42.0
    assert sources[0]["trend"] == [42.0]


def _raw_request(live: Live, head: bytes, body_chunks: list[bytes]) -> bytes:
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the rest: what we want
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            part = sock.recv(65536)
            if not part:
                break
            answer += part
        return answer


def test_a_10_mb_body_is_refused_without_being_read(live: Live) -> None:
    before = live.store.get(1)
    auth = f"Authorization: Bearer {OPERATOR_TOKEN}\r\n".encode()
    declared = _raw_request(
        live,
        b"POST /v1/incidents/1/note HTTP/1.1\r\nHost: x\r\n"
        + auth
        + b"Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n",
        [b'{"text": "' + b"x" * 65536],
    )
    chunk = b"x" * 65536
    chunked = _raw_request(
        live,
        b"POST /v1/incidents/1/note HTTP/1.1\r\nHost: x\r\n"
        + auth
        + b"Transfer-Encoding: chunked\r\n\r\n",
        [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 160,  # 10 MB unless refused
    )
    for answer in (declared, chunked):
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b'{"error":' in answer
    assert live.store.get(1) == before


def test_a_slowloris_client_does_not_hold_up_others(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DeadlineH11Protocol, "head_seconds", 0.3)
    host, port = live.url.removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)), timeout=5)
    slow.sendall(b"GET /v1/inci")
    try:
        started = time.monotonic()
        with live.client(VIEWER_TOKEN) as client:
            client.timeout = httpx.Timeout(1.0)
            assert client.get("/v1/incidents").status_code == 200
        assert time.monotonic() - started < 1.0
        # And the stalled connection is let go, not kept for ever.
        assert slow.recv(100) == b""
    finally:
        slow.close()


def test_tokens_never_reach_a_response_or_a_log_line(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts = []
    with live.client() as client:
        for method, path, body in (
            ("GET", "/v1/incidents/1", None),
            ("POST", "/v1/incidents/1/ack", {"note": OPERATOR_TOKEN[:3]}),
            ("POST", "/v1/incidents/1/ack", {"bad": 1}),
            ("GET", "/nowhere", None),
            ("GET", "/metrics", None),
        ):
            texts.append(client.request(method, path, json=body).text)
    with live.client(VIEWER_TOKEN) as client:
        texts.append(client.post("/v1/incidents/2/close").text)
    assert_no_secret(*texts, caplog.text)


def test_metrics_are_prometheus_text(live: Live) -> None:
    with live.client(VIEWER_TOKEN) as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert 'onwatch_incidents_open{severity="critical",state="triggered"} 1.0' in text
    assert 'onwatch_incidents_open{severity="warning",state="triggered"} 2.0' in text
    for name in (
        "onwatch_checks_total",
        "onwatch_check_failures_total",
        "onwatch_check_duration_seconds_bucket",
        "onwatch_notifications_sent_total",
        "onwatch_notifications_failed_total",
    ):
        assert name in text


@pytest.mark.parametrize("query", ["limit=%C2%B2", "offset=%C2%B2", "limit=%D9%A3"])
def test_digits_that_are_not_ascii_are_a_400_not_a_500(live: Live, query: str) -> None:
    with live.client(VIEWER_TOKEN) as client:
        response = client.get(f"/v1/incidents?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


def test_idle_connections_from_one_address_cannot_lock_the_api_out(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DeadlineH11Protocol, "head_seconds", 0.5)
    host, port = live.url.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(300)]
    try:
        started = time.monotonic()
        while True:
            try:
                with live.client(VIEWER_TOKEN) as client:
                    client.timeout = httpx.Timeout(1.0)
                    if client.get("/v1/health").status_code == 200:
                        break
            except httpx.TransportError:
                pass
            assert time.monotonic() - started < 5, "the API stayed locked out"
            time.sleep(0.05)
    finally:
        for sock in idle:
            sock.close()
