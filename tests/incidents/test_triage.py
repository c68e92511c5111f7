from __future__ import annotations

import dataclasses
from datetime import timedelta
from itertools import count

from onwatch.incidents import (
    Breach,
    Category,
    Event,
    Mark,
    Recovery,
    Severity,
    Stable,
    State,
    apply,
    lifecycle,
)
from tests.incidents.conftest import T0

ids = count(1)


def breach(
    severity: Severity = Severity.WARNING, minutes: float = 0, flapping: bool = False
) -> Breach:
    return Breach(
        source="web-01",
        check="local",
        metric="cpu",
        severity=severity,
        category=Category.RESOURCE,
        value=90.0,
        threshold=80.0,
        title="cpu high",
        at=T0 + timedelta(minutes=minutes),
        flapping=flapping,
    )


def recovery(minutes: float, flapping: bool = False, auto_resolve: bool = True) -> Recovery:
    return Recovery(
        "web-01/local/cpu", 10.0, T0 + timedelta(minutes=minutes), auto_resolve, flapping
    )


def next_id() -> int:
    return next(ids)


def test_first_breach_opens_an_incident() -> None:
    change = apply(breach(), None, next_id=next_id)
    assert change.event is Event.OPENED
    assert change.incident.state is State.TRIGGERED


def test_repeated_breach_updates_the_open_incident() -> None:
    opened = apply(breach(), None, next_id=next_id).incident
    change = apply(breach(minutes=1), opened, next_id=lambda: 999)
    assert change.event is Event.UPDATED
    assert change.incident.id == opened.id
    assert change.incident.count == 2


def test_higher_severity_upgrades_the_same_incident() -> None:
    opened = apply(breach(), None, next_id=next_id).incident
    change = apply(breach(Severity.CRITICAL, 1), opened, next_id=lambda: 999)
    assert change.event is Event.UPGRADED
    assert change.incident.id == opened.id
    assert change.incident.severity is Severity.CRITICAL


def test_recovery_resolves_and_a_new_breach_brings_it_back() -> None:
    opened = apply(breach(), None, next_id=next_id).incident
    resolved = apply(recovery(2), opened, next_id=next_id)
    assert resolved.event is Event.RESOLVED
    assert resolved.incident.resolved_at == T0 + timedelta(minutes=2)
    back = apply(breach(minutes=3), resolved.incident, next_id=lambda: 999)
    assert back.event is Event.REOPENED
    assert back.incident.id == opened.id
    assert back.incident.state is State.TRIGGERED
    assert back.incident.count == 2


def test_recovery_without_auto_resolve_only_notes_it() -> None:
    opened = apply(breach(), None, next_id=next_id).incident
    change = apply(recovery(2, auto_resolve=False), opened, next_id=next_id)
    assert change.event is Event.RECOVERED
    assert change.incident.state is State.TRIGGERED


def test_recovery_of_an_acknowledged_incident_resolves_it() -> None:
    opened = apply(breach(), None, next_id=next_id).incident
    acked = lifecycle.acknowledge(opened, by="dana", at=T0 + timedelta(minutes=1))
    assert apply(recovery(2), acked, next_id=next_id).incident.state is State.RESOLVED


def test_flapping_recovery_keeps_the_incident_open_with_a_mark() -> None:
    opened = apply(breach(flapping=True), None, next_id=next_id).incident
    assert opened.has(Mark.FLAPPING)
    assert apply(recovery(1, flapping=True), opened, next_id=next_id) is None
    assert apply(breach(minutes=2, flapping=True), opened, next_id=next_id).event is Event.UPDATED


def test_stable_again_clears_the_mark_and_resolves_when_healthy() -> None:
    opened = apply(breach(), None, next_id=next_id).incident
    flapping = apply(recovery(1, flapping=True), opened, next_id=next_id)
    assert flapping.event is Event.FLAPPING
    stable = apply(
        Stable("web-01/local/cpu", True, T0 + timedelta(minutes=12)),
        flapping.incident,
        next_id=next_id,
    )
    assert stable.event is Event.RESOLVED
    assert not stable.incident.has(Mark.FLAPPING)
    assert [e.kind for e in stable.incident.timeline][-2:] == ["stable", "resolved"]


def test_recovery_with_nothing_open_changes_nothing() -> None:
    assert apply(recovery(1), None, next_id=next_id) is None


def test_a_threshold_breach_keeps_its_opening_title_and_a_forecast_follows_its_estimate() -> None:
    opened = apply(breach(), None, next_id=next_id).incident
    reworded = dataclasses.replace(breach(minutes=1), title="cpu very high")
    kept = apply(reworded, opened, next_id=next_id).incident
    assert kept.title == "cpu high" and len(kept.timeline) == len(opened.timeline)

    def forecast(minutes: float, title: str) -> Breach:
        return dataclasses.replace(
            breach(minutes=minutes), metric="forecast:disk", category=Category.FORECAST, title=title
        )

    incident = apply(forecast(0, "disk / full in about 5 h"), None, next_id=next_id).incident
    for minute, title in enumerate(["disk / full in about 5 h", "disk / full in about 4 h"]):
        incident = apply(forecast(minute + 1, title), incident, next_id=next_id).incident
    incident = apply(forecast(9, "disk / full in about 4 h"), incident, next_id=next_id).incident
    assert incident.title == "disk / full in about 4 h"
    notes = [e.note for e in incident.timeline[1:]]
    assert notes == ["estimate now: disk / full in about 4 h"]
    assert incident.timeline[0].note == "disk / full in about 5 h"
