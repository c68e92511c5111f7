"""apprise delivering to real peers on 127.0.0.1: one that answers, one that refuses, one that
accepts and never answers."""

from __future__ import annotations

import time

import apprise
import pytest

from onwatch.incidents import Severity
from onwatch.notify import AppriseSender, Channel, InvalidChannel, messages, with_timeouts
from tests.notify.conftest import Receiver, make_incident


def test_a_json_channel_receives_the_title_and_body_naming_check_and_source(
    receiver: Receiver,
) -> None:
    sender = AppriseSender(Channel("ops", receiver.url(credentials="bot:pw")))
    message = messages.opened(make_incident())
    delivery = sender.deliver(message.title, message.body)
    assert delivery.ok, delivery.reason
    [request] = receiver.requests
    assert request.path == "/hook"
    assert request.headers["Authorization"].startswith("Basic ")
    assert request.payload["title"] == "CRITICAL api on web-01"
    assert request.payload["message"].startswith("#12 api latency 950ms above critical 500ms\n")
    assert "check api · source web-01" in request.payload["message"]


def test_an_http_error_is_reported_by_its_status(receiver: Receiver) -> None:
    receiver.statuses.extend([503])
    delivery = AppriseSender(Channel("ops", receiver.url())).deliver("t", "b")
    assert (delivery.ok, delivery.reason) == (False, "HTTP 503")


def test_a_refused_connection_fails_fast(closed_port: int) -> None:
    delivery = AppriseSender(Channel("ops", f"json://127.0.0.1:{closed_port}/hook")).deliver(
        "t", "b"
    )
    assert (delivery.ok, delivery.reason) == (False, "connection error")
    assert delivery.seconds < 1


def test_a_peer_that_never_answers_is_bounded_by_the_read_timeout(silent_peer: int) -> None:
    sender = AppriseSender(
        Channel("ops", f"json://127.0.0.1:{silent_peer}/hook"), connect_timeout=1, read_timeout=1
    )
    started = time.monotonic()
    delivery = sender.deliver("t", "b")
    assert 0.9 < time.monotonic() - started < 3
    assert (delivery.ok, delivery.reason) == (False, "no answer within 1s")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("json://h/x", "json://h/x?cto=4&rto=8"),
        ("json://h/x?method=PUT", "json://h/x?method=PUT&cto=4&rto=8"),
        ("json://h/x?rto=30", "json://h/x?rto=30&cto=4"),
        ("json://h/x?cto=1&rto=2", "json://h/x?cto=1&rto=2"),
        ("slack://T1/B2/C3/#ops", "slack://T1/B2/C3/#ops?cto=4&rto=8"),
    ],
)
def test_timeouts_are_added_unless_the_url_sets_them(url: str, expected: str) -> None:
    assert with_timeouts(url, connect=4, read=8) == expected


def test_a_slack_channel_keeps_its_channel_name_after_the_timeouts_are_added() -> None:
    plugin = apprise.Apprise.instantiate(
        with_timeouts(
            "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#ops", connect=4, read=8
        )
    )
    assert plugin is not None
    assert plugin.channels == ["#ops"]
    assert (plugin.socket_connect_timeout, plugin.socket_read_timeout) == (4.0, 8.0)


def test_a_url_apprise_does_not_know_is_refused_by_name_only() -> None:
    with pytest.raises(InvalidChannel) as raised:
        AppriseSender(Channel("teamLead", "nonsense://s3cr3t@example"))
    assert str(raised.value) == "channel teamLead: not a notification URL apprise understands"


def test_min_severity_decides_what_a_channel_accepts() -> None:
    channel = Channel("pager", "json://h/x", min_severity=Severity.WARNING)
    assert channel.accepts(Severity.CRITICAL) and channel.accepts(Severity.WARNING)
    assert not channel.accepts(Severity.INFO)
