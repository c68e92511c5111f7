"""Reports, ownership, hand-overs and feedback: pure, on an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from onwatch.incidents import (
    Category,
    EntryKind,
    InvalidInput,
    Priority,
    Severity,
    State,
    TransitionError,
    lifecycle,
)
from onwatch.incidents.codec import incident_from_dict, incident_to_dict
from onwatch.incidents.people import (
    Assignment,
    add_report,
    assign,
    give_feedback,
    hand_over,
    open_report,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def report(**changes):
    fields = {
        "incident_id": 1,
        "title": "  Printer on   floor 2 jams ",
        "severity": Severity.WARNING,
        "category": Category.REPORTED,
        "source": "printer-2",
        "description": "every third page",
        "reporter": "mailto://ana@example.com",
        "by": "desk",
        "at": NOW,
    }
    return open_report(**(fields | changes))


def test_a_report_is_an_incident_with_its_reporter_and_one_report() -> None:
    incident = report()
    assert incident.title == "Printer on floor 2 jams"
    assert incident.state is State.TRIGGERED
    assert incident.priority is Priority.P2  # reported ranks like availability
    assert (incident.reporter, incident.reports) == ("mailto://ana@example.com", 1)
    assert incident.fingerprint == "printer-2/report/printer on floor 2 jams"
    assert incident.timeline[0].by == "desk"
    # The contact URL may hold a secret: the timeline names its kind only.
    assert incident.timeline[0].note == "reported by a mailto contact: Printer on floor 2 jams"


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_title_empty_or_over_200_characters_is_refused(title: str) -> None:
    with pytest.raises(InvalidInput):
        report(title=title)


def test_a_second_report_counts_instead_of_duplicating() -> None:
    again = add_report(report(), reporter="ben", by="desk", at=NOW + timedelta(minutes=3))
    assert again.reports == 2
    assert again.timeline[-1].kind is EntryKind.REPORTED
    assert "ben" in again.timeline[-1].note


def test_owner_and_incident_manager_are_assigned_on_the_timeline() -> None:
    owned = assign(report(), "ana", by="desk", at=NOW)
    managed = assign(owned, "kim", as_=Assignment.INCIDENT_MANAGER, by="desk", at=NOW)
    assert (managed.owner, managed.incident_manager) == ("ana", "kim")
    assert [e.note for e in managed.timeline[-2:]] == ["owner: ana", "incident manager: kim"]
    with pytest.raises(TransitionError):
        assign(managed, "ana", by="desk", at=NOW)


def test_a_hand_over_names_the_role_and_leaves_the_policys_level() -> None:
    handed = hand_over(report(), "it_support", by="desk", at=NOW, note="needs a technician")
    assert handed.escalation_level == 0
    assert handed.timeline[-1].note == "handed over to it_support: needs a technician"


def test_feedback_only_once_resolved_and_rated_1_to_5() -> None:
    with pytest.raises(TransitionError):
        give_feedback(report(), rating=4, by="ana", at=NOW)
    closed = lifecycle.close(report(), by="desk", at=NOW, note="replaced the roller")
    for rating in (0, 6):
        with pytest.raises(InvalidInput):
            give_feedback(closed, rating=rating, by="ana", at=NOW)
    rated = give_feedback(closed, rating=5, comment="works", by="ana", at=NOW)
    assert [(f.rating, f.comment, f.by) for f in rated.feedback] == [(5, "works", "ana")]


def test_the_people_survive_the_json_form() -> None:
    incident = assign(report(), "ana", by="desk", at=NOW)
    closed = lifecycle.close(incident, by="desk", at=NOW, note="fixed")
    rated = give_feedback(closed, rating=3, comment="slow", by="ana", at=NOW)
    data = incident_to_dict(rated)
    assert data["owner"] == "ana" and data["reports"] == 1
    assert data["feedback"] == [
        {"rating": 3, "comment": "slow", "by": "ana", "at": "2026-12-01T09:00:00Z"}
    ]
    assert incident_from_dict(data) == rated


def test_an_incident_stored_before_people_existed_still_loads() -> None:
    data = incident_to_dict(report())
    for key in ("owner", "incident_manager", "reporter", "reports", "description", "feedback"):
        data.pop(key)
    loaded = incident_from_dict(data)
    assert (loaded.owner, loaded.reports, loaded.feedback) == (None, 0, ())
