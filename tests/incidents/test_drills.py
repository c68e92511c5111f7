"""Drills in the domain: how one opens, when time ends it, and what its timeline says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from onwatch.incidents import Category, EntryKind, InvalidInput, Mark, Severity, State, lifecycle
from onwatch.incidents.codec import incident_from_dict, incident_to_dict
from onwatch.incidents.drills import advance_drill, drill_due, drill_until, open_drill

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def drill(**kwargs: object):
    options = {
        "incident_id": 7,
        "source": None,
        "check": None,
        "severity": Severity.CRITICAL,
        "lasting": timedelta(minutes=10),
        "by": "dana",
        "at": T0,
    } | kwargs
    return open_drill(**options)


def test_a_drill_without_a_check_is_of_the_synthetic_drill_source() -> None:
    incident = drill()
    assert (incident.source, incident.check, incident.metric) == ("drill", "drill", "drill")
    assert incident.title == "DRILL: practice incident"
    assert incident.has(Mark.DRILL) and incident.is_drill
    assert incident.category is Category.AVAILABILITY and incident.state is State.TRIGGERED
    assert drill_until(incident) == T0 + timedelta(minutes=10)
    assert [e.kind for e in incident.timeline] == [EntryKind.OPENED, EntryKind.DRILL]
    assert incident.timeline[-1].by == "dana"


def test_a_drill_of_a_check_keeps_apart_from_its_real_incidents() -> None:
    incident = drill(source="web-01", check="api", severity=Severity.WARNING)
    assert incident.title == "DRILL: api on web-01 (practice)"
    assert incident.fingerprint == "web-01/api/drill"
    assert incident.severity is Severity.WARNING


@pytest.mark.parametrize(
    ("lasting", "severity"),
    [
        (timedelta(0), Severity.CRITICAL),
        (timedelta(days=2), Severity.CRITICAL),
        (timedelta(minutes=5), Severity.INFO),
    ],
)
def test_a_drill_lasts_up_to_a_day_and_is_critical_or_warning(
    lasting: timedelta, severity: Severity
) -> None:
    with pytest.raises(InvalidInput):
        drill(lasting=lasting, severity=severity)


def test_time_ends_a_drill_and_records_how_long_ack_and_resolution_took() -> None:
    incident = drill()
    assert not drill_due(incident, T0 + timedelta(minutes=9, seconds=59))
    acked = lifecycle.acknowledge(incident, by="ivy", at=T0 + timedelta(minutes=3))
    ended = advance_drill(acked, T0 + timedelta(minutes=10))
    assert ended.state is State.RESOLVED and ended.resolved_at == T0 + timedelta(minutes=10)
    assert ended.timeline[-1].kind == EntryKind.DRILL
    assert ended.timeline[-1].note == "drill over: acknowledged after 3m, resolved after 10m"
    # Once only.
    assert not drill_due(ended, T0 + timedelta(hours=1))
    assert advance_drill(ended, T0 + timedelta(hours=1)) is ended


def test_a_drill_resolved_by_a_person_gets_its_result_at_the_next_look() -> None:
    resolved = lifecycle.resolve(drill(), by="ivy", at=T0 + timedelta(minutes=4))
    assert drill_due(resolved, T0 + timedelta(minutes=4))
    after = advance_drill(resolved, T0 + timedelta(minutes=4, seconds=1))
    assert after.timeline[-1].note == "drill over: never acknowledged, resolved after 4m"


def test_real_incidents_are_never_drills_and_the_mark_survives_the_store() -> None:
    incident = drill()
    again = incident_from_dict(incident_to_dict(incident))
    assert again == incident and again.is_drill
    real = lifecycle.open_incident(
        incident_id=8,
        source="web-01",
        check="api",
        metric="up",
        title="api: connection refused",
        severity=Severity.CRITICAL,
        category=Category.AVAILABILITY,
        value=None,
        threshold=None,
        at=T0,
    )
    assert not real.is_drill and not drill_due(real, T0 + timedelta(days=3))
