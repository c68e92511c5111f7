"""The postmortem of a scripted incident, on a fixed clock, against the expected Markdown."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from onwatch.incidents import EntryKind, Severity, lifecycle, people
from onwatch.incidents.changes import near, new_change
from onwatch.incidents.checklist import Guide, checklist, tick
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.model import Category
from onwatch.incidents.postmortem import cell, evidence_section, render_postmortem
from onwatch.incidents.precedents import Search
from onwatch.incidents.review import review
from tests.incidents.conftest import T0

EXPECTED = Path(__file__).parent / "data" / "postmortem-web-01-cpu.md"
GUIDE = Guide(items=("Look at the batch | cron queue",), runbook="https://wiki.example/cpu")


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


def scripted():
    """Opened, notified, acknowledged, escalated, noted, checked, resolved, reviewed, closed."""
    i = lifecycle.open_incident(
        incident_id=12,
        source="web-01",
        check="local",
        metric="cpu",
        title="local cpu 93.5% above critical 90%",
        severity=Severity.CRITICAL,
        category=Category.RESOURCE,
        value=93.5,
        threshold=90.0,
        at=at(0),
    )
    i = lifecycle.observe(i, value=97.25, at=at(1))
    i = lifecycle.observe(i, value=91.0, at=at(2))
    i = lifecycle.append_entry(i, at(0.5), EntryKind.NOTIFY, "onwatch", "notified oncall")
    i = lifecycle.acknowledge(i, by="dana", at=at(4), note="looking")
    i = people.assign(i, "dana", by="dana", at=at(5))
    i = people.assign(i, "lee", as_=people.Assignment.INCIDENT_MANAGER, by="dana", at=at(6))
    i = lifecycle.escalate(i, by="dana", at=at(10), note="need the db team | now")
    i = people.hand_over(i, "it_support", by="lee", at=at(11))
    i = lifecycle.add_note(i, by="lee", at=at(12), note="killed a runaway | report job")
    i = tick(i, 2, GUIDE, by="dana", at=at(13))
    i = tick(i, 4, GUIDE, by="lee", at=at(14))
    i = lifecycle.resolve(i, by="onwatch", at=at(25), note="recovered")
    i = people.give_feedback(i, rating=4, comment="fast | thanks", by="ana", at=at(30))
    i = review(
        i,
        root_cause="a report job ran | without a CPU limit",
        actions=["limit the job's CPU", "alert on the batch queue"],
        by="lee",
        at=at(40),
    )
    return lifecycle.close(i, by="dana", at=at(60), note="job limited to 2 cores")


def earlier():
    start = T0 - timedelta(days=9)
    i = lifecycle.open_incident(
        incident_id=3,
        source="web-01",
        check="local",
        metric="cpu",
        title="local cpu 95% above critical 90%",
        severity=Severity.CRITICAL,
        category=Category.RESOURCE,
        value=95.0,
        threshold=90.0,
        at=start,
    )
    i = lifecycle.resolve(i, by="onwatch", at=start + timedelta(minutes=42), note="recovered")
    i = review(i, root_cause="the same job", by="dana", at=start + timedelta(hours=1))
    return lifecycle.close(i, by="dana", at=start + timedelta(hours=2), note="restarted the job")


def context(incident) -> IncidentContext:
    changes = [
        new_change(1, "last week's deploy", at=at(-60 * 24 * 7), source="web-01", by="ci"),
        new_change(2, "deployed report | v2", at=at(-35), source="web-01", by="ci"),
        new_change(3, "host rebooted", at=at(8), source="web-01", by="onwatch"),
    ]
    search = Search(incident)
    search.offer(earlier())
    return IncidentContext(
        checklist=tuple(checklist(incident, GUIDE)),
        changes=tuple(near(changes, incident, now=at(90))),
        precedents=tuple(search.result()),
    )


def test_the_postmortem_of_a_scripted_incident_is_the_expected_markdown() -> None:
    incident = scripted()
    text = render_postmortem(incident, context(incident), now=at(90))
    assert text == EXPECTED.read_text(encoding="utf-8")


def test_table_cells_escape_pipes_and_join_lines() -> None:
    assert cell("a | b\nc") == "a \\| b c"
    assert cell("") == " "


def test_evidence_renders_whatever_mapping_is_there_and_nothing_when_absent() -> None:
    assert evidence_section(None) == []
    assert evidence_section({}) == []
    lines = evidence_section({"status": 503, "headers": {"server": "nginx"}, "top": ["a", "b"]})
    assert lines == [
        "## Evidence",
        "",
        "- status: `503`",
        "- headers:",
        "  - server: `nginx`",
        "- top:",
        "  - `a`",
        "  - `b`",
    ]
