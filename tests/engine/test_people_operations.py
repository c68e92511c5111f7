"""The people's operations against a real store: reports that add up, hand-overs to known
roles only, closing with a resolution when one is required."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from onwatch.engine.operations import Operations
from onwatch.incidents import Event, InvalidInput, State
from onwatch.store import IncidentStore

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def ops(tmp_path: Path, **options) -> Operations:
    store = IncidentStore(tmp_path / "incidents.json")
    return Operations(store, clock=lambda: NOW, operator="desk", **options)


def test_the_same_report_twice_is_one_incident_with_two_reports(tmp_path: Path) -> None:
    operations = ops(tmp_path)
    first = operations.open_report("VPN down", source="vpn", reporter="ana")
    second = operations.open_report("vpn   DOWN", source="vpn", reporter="ben")
    other = operations.open_report("VPN down", source="office-wifi")
    assert (first.event, second.event, other.event) == (Event.OPENED, Event.REPORTED, Event.OPENED)
    assert second.incident.id == first.incident.id
    assert second.incident.reports == 2
    assert other.incident.id != first.incident.id
    assert len(operations.store.unclosed()) == 2


def test_a_report_of_something_already_closed_opens_a_new_incident(tmp_path: Path) -> None:
    operations = ops(tmp_path)
    first = operations.open_report("VPN down", source="vpn")
    operations.close(first.incident.id, note="restarted")
    again = operations.open_report("VPN down", source="vpn")
    assert again.incident.id != first.incident.id  # closed is history: a new incident
    store = operations.store
    assert store.get(first.incident.id).state is State.CLOSED


def test_a_hand_over_needs_a_known_role(tmp_path: Path) -> None:
    operations = ops(tmp_path, roles=["it_support"])
    incident = operations.open_report("Laptop will not boot").incident
    with pytest.raises(InvalidInput, match="no role 'facilities'"):
        operations.hand_over(incident.id, "facilities")
    handed = operations.hand_over(incident.id, "it_support").incident
    assert handed.timeline[-1].note == "handed over to it_support"


def test_closing_needs_a_resolution_when_required(tmp_path: Path) -> None:
    operations = ops(tmp_path, resolution_required=True)
    incident = operations.open_report("Laptop will not boot").incident
    with pytest.raises(InvalidInput, match="resolution"):
        operations.close(incident.id)
    assert operations.store.get(incident.id).state is State.TRIGGERED
    closed = operations.close(incident.id, note="new disk").incident
    assert closed.state is State.CLOSED
