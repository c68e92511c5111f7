"""Alertmanager's alerts as incidents, and the silence fields, as pure functions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from onwatch.incidents import Category, Event, Priority, Severity, State, lifecycle
from onwatch.incidents.codec import incident_from_dict, incident_to_dict
from onwatch.incidents.external import (
    AlertStatus,
    ExternalAlert,
    receive,
    runbook_of,
    silence_gone,
    silence_kept,
    wants_silence,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LABELS = (("alertname", "DiskFull"), ("instance", "db-02:9100"), ("severity", "critical"))


def firing(**changes) -> ExternalAlert:
    values = {
        "status": AlertStatus.FIRING,
        "labels": LABELS,
        "annotations": (("runbook_url", "https://wiki/disk"),),
        "fingerprint": "1a30ba71cca2921f",
    }
    return ExternalAlert(**{**values, **changes})


def opened():
    ids = itertools.count(7)
    change = receive(firing(), None, next_id=lambda: next(ids), by="am", at=NOW)
    assert change is not None
    return change.incident


def test_a_firing_alert_opens_an_external_incident() -> None:
    incident = opened()
    assert (incident.id, incident.category, incident.severity) == (
        7,
        Category.EXTERNAL,
        Severity.CRITICAL,
    )
    assert incident.priority is Priority.P2
    assert (incident.source, incident.check, incident.metric) == (
        "db-02:9100",
        "DiskFull",
        "1a30ba71cca2921f",
    )
    assert incident.title == "DiskFull on db-02:9100"
    assert runbook_of(incident) == "https://wiki/disk"
    assert incident.timeline[0].by == "am"


@pytest.mark.parametrize(
    ("label", "expected"),
    [("critical", Severity.CRITICAL), ("Info", Severity.INFO), ("page", Severity.WARNING)],
)
def test_severity_comes_from_the_label_and_defaults_to_warning(label, expected) -> None:
    alert = firing(labels=(("alertname", "X"), ("severity", label)))
    assert alert.severity is expected
    assert alert.source == "X"


def test_a_repeat_refreshes_quietly_and_resolved_resolves() -> None:
    incident = opened()
    later = NOW + timedelta(minutes=5)
    change = receive(firing(), incident, next_id=lambda: 0, by="am", at=later)
    assert change.event is Event.UPDATED
    assert change.incident.timeline == incident.timeline
    assert change.incident.last_seen_at == later
    gone = receive(
        firing(status=AlertStatus.RESOLVED), change.incident, next_id=lambda: 0, by="am", at=later
    )
    assert gone.incident.state is State.RESOLVED
    assert (
        receive(
            firing(status=AlertStatus.RESOLVED), gone.incident, next_id=lambda: 0, by="am", at=later
        )
        is None
    )
    back = receive(firing(), gone.incident, next_id=lambda: 0, by="am", at=later)
    assert back.event is Event.REOPENED and back.incident.state is State.TRIGGERED


def test_a_resolved_alert_with_no_incident_changes_nothing() -> None:
    assert (
        receive(firing(status=AlertStatus.RESOLVED), None, next_id=lambda: 1, by="am", at=NOW)
        is None
    )


def test_the_labels_identify_an_alert_without_a_fingerprint_in_any_order() -> None:
    one = firing(fingerprint="")
    other = firing(fingerprint="", labels=tuple(sorted(LABELS, reverse=True)))
    assert one.identity.startswith("labels:")
    assert ExternalAlert(AlertStatus.FIRING, tuple(sorted(other.labels))).identity == one.identity


def test_only_an_acknowledged_external_incident_wants_a_silence() -> None:
    incident = opened()
    assert not wants_silence(incident)
    acked = lifecycle.acknowledge(incident, by="dana", at=NOW)
    assert wants_silence(acked)
    assert not wants_silence(lifecycle.resolve(acked, by="am", at=NOW))


def test_the_silence_and_annotations_survive_json_and_old_records_load() -> None:
    held = silence_kept(opened(), "5f6e-uuid", at=NOW, note="silenced")
    data = incident_to_dict(held)
    assert data["alertmanager_silence"] == "5f6e-uuid"
    assert incident_from_dict(data) == held
    assert silence_gone(held, at=NOW, note="expired").alertmanager_silence is None
    for key in ("annotations", "alertmanager_silence"):
        data.pop(key)
    loaded = incident_from_dict(data)
    assert (loaded.annotations, loaded.alertmanager_silence) == ((), None)
