from __future__ import annotations

from datetime import timedelta

import pytest

from onwatch.incidents import (
    Category,
    Incident,
    InvalidInput,
    Priority,
    Severity,
    State,
    TransitionError,
    lifecycle,
)
from tests.incidents.conftest import T0


def new_incident(
    severity: Severity = Severity.WARNING, category: Category = Category.RESOURCE
) -> Incident:
    return lifecycle.open_incident(
        incident_id=7,
        source="web-01",
        check="local",
        metric="cpu",
        title="cpu high",
        severity=severity,
        category=category,
        value=91.0,
        threshold=80.0,
        at=T0,
    )


def later(minutes: float):
    return T0 + timedelta(minutes=minutes)


def test_open_incident_starts_triggered_with_an_opened_entry() -> None:
    incident = new_incident()
    assert incident.state is State.TRIGGERED
    assert incident.fingerprint == "web-01/local/cpu"
    assert incident.count == 1
    assert [e.kind for e in incident.timeline] == ["opened"]
    assert incident.priority is Priority.P3


def test_acknowledge_records_who_and_when() -> None:
    acked = lifecycle.acknowledge(new_incident(), by="dana", at=later(2), note="looking")
    assert acked.state is State.ACKNOWLEDGED
    assert acked.acknowledged_at == later(2)
    entry = acked.timeline[-1]
    assert (entry.kind, entry.by, entry.note) == ("acknowledged", "dana", "looking")


def test_full_course_triggered_acknowledged_resolved_closed() -> None:
    i = new_incident()
    i = lifecycle.acknowledge(i, by="dana", at=later(1))
    i = lifecycle.resolve(i, by="onwatch", at=later(5))
    i = lifecycle.close(i, by="dana", at=later(30), note="disk cleaned")
    assert i.state is State.CLOSED
    assert [e.kind for e in i.timeline] == ["opened", "acknowledged", "resolved", "closed"]
    assert (i.acknowledged_at, i.resolved_at, i.closed_at) == (later(1), later(5), later(30))


def test_escalate_raises_the_level_while_active() -> None:
    i = lifecycle.escalate(new_incident(), by="dana", at=later(1))
    i = lifecycle.escalate(lifecycle.acknowledge(i, by="dana", at=later(2)), by="dana", at=later(3))
    assert i.escalation_level == 2


@pytest.mark.parametrize(
    ("prepare", "action"),
    [
        (lambda i: lifecycle.close(i, by="x", at=later(1)), "acknowledge"),
        (lambda i: lifecycle.acknowledge(i, by="x", at=later(1)), "acknowledge"),
        (lambda i: lifecycle.close(i, by="x", at=later(1)), "escalate"),
        (lambda i: lifecycle.resolve(i, by="x", at=later(1)), "escalate"),
        (lambda i: lifecycle.close(i, by="x", at=later(1)), "close"),
        (lambda i: i, "reopen"),
    ],
)
def test_forbidden_transition_names_the_state_and_changes_nothing(prepare, action) -> None:
    before = prepare(new_incident())
    functions = {
        "acknowledge": lifecycle.acknowledge,
        "escalate": lifecycle.escalate,
        "close": lifecycle.close,
        "reopen": lifecycle.reopen,
    }
    with pytest.raises(TransitionError) as error:
        functions[action](before, by="x", at=later(2))
    assert before.state.value in str(error.value)
    assert str(before.id) in str(error.value)


def test_reopen_a_closed_incident_starts_a_new_episode() -> None:
    i = lifecycle.escalate(new_incident(), by="x", at=later(1))
    i = lifecycle.close(lifecycle.acknowledge(i, by="x", at=later(2)), by="x", at=later(3))
    i = lifecycle.reopen(i, by="dana", at=later(4), note="came back")
    assert i.state is State.TRIGGERED
    assert (i.acknowledged_at, i.resolved_at, i.closed_at, i.escalation_level) == (
        None,
        None,
        None,
        0,
    )
    assert i.timeline[-1].kind == "reopened"


def test_notes_are_allowed_in_any_state_but_not_empty() -> None:
    closed = lifecycle.close(new_incident(), by="x", at=later(1))
    noted = lifecycle.add_note(closed, by="dana", at=later(2), note="  root cause: cron  ")
    assert noted.timeline[-1].note == "root cause: cron"
    with pytest.raises(InvalidInput):
        lifecycle.add_note(closed, by="dana", at=later(2), note="   ")


def test_priority_override_and_its_validation() -> None:
    i = lifecycle.set_priority(new_incident(), "p1", by="dana", at=later(1))
    assert i.priority is Priority.P1
    assert i.timeline[-1].note == "P3 -> P1"
    with pytest.raises(InvalidInput):
        lifecycle.set_priority(i, "P9", by="dana", at=later(2))
    with pytest.raises(TransitionError):
        lifecycle.set_priority(i, "P1", by="dana", at=later(2))


def test_upgrade_keeps_a_more_urgent_operator_priority() -> None:
    i = lifecycle.set_priority(new_incident(), Priority.P1, by="dana", at=later(1))
    upgraded = lifecycle.upgrade(i, Severity.CRITICAL, value=95, threshold=90, at=later(2))
    assert upgraded.severity is Severity.CRITICAL
    assert upgraded.priority is Priority.P1
    assert upgraded.timeline[-1].kind == "upgraded"


def test_upgrade_derives_a_more_urgent_priority() -> None:
    upgraded = lifecycle.upgrade(
        new_incident(), Severity.CRITICAL, value=95, threshold=90, at=later(2)
    )
    assert upgraded.priority is Priority.P2


def test_observe_refreshes_value_count_and_last_seen_without_a_timeline_entry() -> None:
    i = lifecycle.observe(new_incident(), value=97.0, at=later(1))
    assert (i.value, i.count, i.last_seen_at, len(i.timeline)) == (97.0, 2, later(1), 1)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError):
        lifecycle.acknowledge(new_incident(), by="x", at=T0.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("severity", "category", "priority"),
    [
        (Severity.CRITICAL, Category.AVAILABILITY, Priority.P1),
        (Severity.CRITICAL, Category.RESOURCE, Priority.P2),
        (Severity.CRITICAL, Category.FORECAST, Priority.P3),
        (Severity.WARNING, Category.AVAILABILITY, Priority.P2),
        (Severity.WARNING, Category.LATENCY, Priority.P3),
        (Severity.WARNING, Category.ANOMALY, Priority.P4),
        (Severity.INFO, Category.AVAILABILITY, Priority.P4),
        (Severity.INFO, Category.EXTERNAL, Priority.P5),
    ],
)
def test_priority_table(severity, category, priority) -> None:
    assert new_incident(severity, category).priority is priority
