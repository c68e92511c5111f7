"""What people read: every message names the check, the source and the incident."""

from __future__ import annotations

from datetime import timedelta

from onwatch.incidents import Severity, lifecycle
from onwatch.incidents.escalation import due_steps, record_step
from onwatch.incidents.policy import EscalationPolicy, Step
from onwatch.incidents.reminders import unacknowledge
from onwatch.notify import Kind, Tone, messages
from tests.notify.conftest import T0, make_incident


def later(minutes: float):
    return T0 + timedelta(minutes=minutes)


def test_opened_names_severity_check_source_id_title_and_priority() -> None:
    message = messages.opened(make_incident())
    assert message.title == "CRITICAL api on web-01"
    assert message.body.splitlines() == [
        "#12 api latency 950ms above critical 500ms",
        "check api · source web-01 · critical · priority P2",
        "opened 2026-11-27 03:00 UTC",
    ]


def test_escalated_says_which_step_and_how_long_it_has_waited() -> None:
    policy = EscalationPolicy(
        "p", {}, (Step(timedelta(0), ("oncall",)), Step(timedelta(minutes=15), ("lead",)))
    )
    incident = make_incident()
    [first] = due_steps(incident, policy, T0)
    incident = record_step(incident, first, at=T0)
    [second] = due_steps(incident, policy, later(15))
    message = messages.render(Kind.ESCALATED, incident, now=later(15), due=second)
    assert message.title == "ESCALATED CRITICAL api on web-01"
    assert message.body.endswith("escalation step 2/2 (level 1): unacknowledged for 15m")


def test_renotify_says_it_is_still_unacknowledged() -> None:
    message = messages.render(Kind.RENOTIFY, make_incident(), now=later(45))
    assert message.title == "STILL OPEN CRITICAL api on web-01"
    assert message.body.endswith("still unacknowledged after 45m")


def test_unacknowledged_says_the_acknowledgement_timed_out() -> None:
    acked = lifecycle.acknowledge(make_incident(), by="dana", at=later(5))
    back = unacknowledge(acked, at=later(125))
    message = messages.render(Kind.UNACKNOWLEDGED, back, now=later(125))
    assert message.title == "UNACKNOWLEDGED CRITICAL api on web-01"
    assert message.body.endswith(
        "acknowledged 2h00m ago and still not resolved: back to triggered, paging again"
    )


def test_resolved_says_how_long_it_lasted_and_waited_for_an_acknowledgement() -> None:
    incident = lifecycle.acknowledge(make_incident(), by="dana", at=later(5))
    incident = lifecycle.resolve(incident, by="onwatch", at=later(65))
    message = messages.render(Kind.RESOLVED, incident, now=later(70))
    assert message.title == "RESOLVED CRITICAL api on web-01"
    assert message.body.splitlines()[-1] == (
        "lasted 1h05m (2026-11-27 03:00 UTC to 2026-11-27 04:05 UTC), acknowledged after 5m"
    )


def test_resolved_without_an_acknowledgement_says_so() -> None:
    incident = lifecycle.resolve(make_incident(), by="onwatch", at=later(3))
    assert messages.resolved(incident, now=later(3)).body.endswith("never acknowledged")


def test_an_acknowledgement_that_timed_out_still_counts_as_the_wait() -> None:
    incident = lifecycle.acknowledge(make_incident(), by="dana", at=later(10))
    incident = unacknowledge(incident, at=later(130))
    incident = lifecycle.resolve(incident, by="onwatch", at=later(140))
    assert messages.resolved(incident, now=later(140)).body.endswith(
        "lasted 2h20m (2026-11-27 03:00 UTC to 2026-11-27 05:20 UTC), acknowledged after 10m"
    )


def test_a_storm_message_counts_tallies_and_lists_the_worst_first() -> None:
    incidents = [
        make_incident(i, source=f"web-{i:02d}", severity=Severity.WARNING) for i in range(1, 60)
    ] + [make_incident(60, source="db-01", check="disk")]
    message = messages.storm(Kind.OPENED, incidents, window=timedelta(minutes=1))
    lines = message.body.splitlines()
    assert message.title == "60 incidents opened within 1m"
    assert lines[0] == "1 critical, 59 warning on db-01, web-01, web-02, web-03, web-04 and 55 more"
    assert lines[1] == "#60 CRITICAL disk on db-01: api latency 950ms above critical 500ms"
    assert len(lines) == 1 + messages.STORM_LIST_LIMIT + 1
    assert lines[-1] == "... and 10 more (see onwatch incidents)"


def test_desktop_texts_are_short() -> None:
    incident = make_incident()
    assert messages.desktop(incident) == messages.Message(
        "CRITICAL api", "#12 api latency 950ms above critical 500ms (web-01)", Tone.FAILURE
    )
    summary = messages.desktop_storm(Kind.OPENED, [incident, make_incident(13, source="web-02")])
    assert summary.title == "2 incidents opened"
    assert summary.body == "2 critical on web-01, web-02; worst #12 CRITICAL api on web-01"


def test_a_fired_step_is_announced_as_opened_escalated_or_unacknowledged() -> None:
    policy = EscalationPolicy(
        "p", {}, (Step(timedelta(0), ("oncall",)), Step(timedelta(minutes=15), ("lead",)))
    )
    incident = make_incident()
    [first] = due_steps(incident, policy, T0)
    assert messages.kind_for_step(incident, first) is Kind.OPENED
    incident = record_step(incident, first, at=T0)
    [second] = due_steps(incident, policy, later(15))
    assert messages.kind_for_step(incident, second) is Kind.ESCALATED
    incident = unacknowledge(lifecycle.acknowledge(incident, by="d", at=later(16)), at=later(200))
    [again] = due_steps(incident, policy, later(200))
    assert messages.kind_for_step(incident, again) is Kind.UNACKNOWLEDGED


def test_a_storm_is_as_bad_as_its_worst_incident_and_a_recovery_is_good_news() -> None:
    mixed = [make_incident(1, severity=Severity.WARNING), make_incident(2)]
    assert messages.storm(Kind.OPENED, mixed, window=timedelta(minutes=1)).tone is Tone.FAILURE
    warnings = [make_incident(3, severity=Severity.WARNING)]
    assert messages.desktop_storm(Kind.OPENED, warnings).tone is Tone.WARNING
    assert messages.storm(Kind.RESOLVED, mixed, window=timedelta(minutes=1)).tone is Tone.SUCCESS
