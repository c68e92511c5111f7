"""The event stream, the metrics counters and the OpenAPI document against the real server."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from onwatch.engine.events import CheckRan, IncidentChanged, StatusChanged
from onwatch.incidents import Change, Event, Sample, Severity, apply
from onwatch.incidents.model import EntryKind, TimelineEntry
from onwatch.serve.events import Subscription
from onwatch.serve.metrics import Metrics
from onwatch.serve.state import ServeState
from tests.serve.conftest import OPERATOR_TOKEN, Live, breach, start_live


def read_event(lines, wanted: str) -> object:
    name = None
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name == wanted:
            return json.loads(line.removeprefix("data: "))
    raise AssertionError(f"the stream ended before an {wanted} event")


def test_an_ack_arrives_on_the_event_stream(live: Live) -> None:
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    with (
        httpx.Client(base_url=live.url, headers=headers, timeout=5) as client,
        client.stream("GET", "/v1/events") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        hello = read_event(lines, "hello")
        assert hello == {
            "name": "dana",
            "role": "operator",
            "statuses": [],
            "last_poll": None,
            "engine": "pid 1 on test",
        }
        assert client.post("/v1/incidents/2/ack", json={"note": "mine"}).status_code == 200
        event = read_event(lines, "incident")
    assert event["event"] == "acknowledged"
    assert event["incident"]["id"] == 2 and event["incident"]["state"] == "acknowledged"
    assert event["incident"]["timeline"][-1]["by"] == "dana"


def test_pings_keep_an_idle_stream_alive(tmp_path: Path) -> None:
    server, finish = start_live(tmp_path, ping_seconds=0.1)
    try:
        headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        with (
            httpx.Client(base_url=server.url, headers=headers, timeout=5) as client,
            client.stream("GET", "/v1/events") as stream,
        ):
            lines = stream.iter_lines()
            read_event(lines, "hello")
            assert ": ping" in (next(lines) for _ in range(3))
        # The client is gone: its subscription goes with it.
        deadline = datetime.now(UTC) + timedelta(seconds=3)
        while server.call(lambda: len(server.engine.bus._subscribers)) > 1:
            assert datetime.now(UTC) < deadline, "the stream's subscriber stayed"
    finally:
        finish()


def test_a_client_that_falls_behind_is_let_go(live: Live) -> None:
    subscribers_before = live.call(lambda: len(live.engine.bus._subscribers))

    def overflow() -> tuple[bool, int, object]:
        fake_state = ServeState(live.engine, None, None, None, "", max_behind=3)  # type: ignore[arg-type]
        subscription = Subscription(fake_state)
        for n in range(5):
            live.engine.bus.publish(StatusChanged("k", f"line {n}"))
        items = [subscription.queue.get_nowait() for _ in range(subscription.queue.qsize())]
        return subscription.dropped, len(live.engine.bus._subscribers), items[-1]

    dropped, subscribers, last = live.call(overflow)
    assert dropped and last is None
    assert subscribers == subscribers_before


def test_metrics_count_checks_failures_and_deliveries() -> None:
    metrics = Metrics(list)
    now = datetime.now(UTC)
    ok = Sample("web-01", "local", "cpu", 10.0, now)
    bad = Sample.failed("api", "api", "up", "connection refused", now)
    metrics.observe(CheckRan("web-01", "local", (ok,), now, now, timedelta(milliseconds=20)))
    metrics.observe(CheckRan("api", "api", (bad,), now, now, timedelta(seconds=3)))
    opened = apply(breach("api", "up", Severity.CRITICAL, "api down", 1), None, next_id=lambda: 1)
    assert opened is not None
    incident = opened.incident
    entries = (
        TimelineEntry(now, EntryKind.NOTIFY, "onwatch", "notified oncall"),
        TimelineEntry(now, EntryKind.NOTIFY, "onwatch", "chat failed: HTTP 503, retrying in 30s"),
    )
    notified = dataclasses.replace(incident, timeline=(*incident.timeline, *entries))
    metrics.observe(IncidentChanged(Change(notified, Event.NOTIFIED)))
    text = metrics.render()[0].decode()
    assert "onwatch_checks_total 2.0" in text
    assert "onwatch_check_failures_total 1.0" in text
    assert 'onwatch_check_duration_seconds_bucket{le="0.025"} 1.0' in text
    assert "onwatch_check_duration_seconds_count 2.0" in text
    assert "onwatch_notifications_sent_total 1.0" in text
    assert "onwatch_notifications_failed_total 1.0" in text


def test_every_endpoint_conforms_to_the_openapi_document(live: Live) -> None:
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/v1/events":
            continue  # a stream that never ends; tested above

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case) -> None:
            case.call_and_validate(base_url=live.url, headers=headers, checks=checks, timeout=5)

        conforms()
        tested.append(f"{operation.method.upper()} {operation.path}")
    # With report, assign, feedback and roles; context, postmortem, check, review and changes;
    # alertmanager, drills and notify test; stats and export; config reload; runbooks.
    assert len(tested) == 31, tested


@pytest.mark.parametrize("path", ["/v1/incidents", "/metrics", "/v1/events"])
def test_reads_need_a_token(live: Live, path: str) -> None:
    with httpx.Client(base_url=live.url, timeout=5) as client:
        assert client.get(path).status_code == 401
