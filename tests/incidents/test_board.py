"""The board of sources: failing first, a word per status, and (for the wall page) the sources
that have incidents but no check here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from onwatch.incidents import Category, Severity, people
from onwatch.incidents.board import Status, source_rows, summarize
from onwatch.incidents.lifecycle import acknowledge, resolve
from onwatch.incidents.model import Incident
from onwatch.incidents.sample import Sample

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Source:
    name: str
    kind: str = "host"
    samples: dict[str, Sample] = field(default_factory=dict)
    trend: tuple[float, ...] = ()


def reported(incident_id: int, source: str, severity: Severity, minutes_ago: int) -> Incident:
    return people.open_report(
        incident_id=incident_id,
        title=f"{source} is broken",
        severity=severity,
        category=Category.REPORTED,
        source=source,
        description="",
        reporter=None,
        by="rita",
        at=NOW - timedelta(minutes=minutes_ago),
    )


def test_sources_without_a_check_show_only_when_asked_and_only_while_active() -> None:
    watched = Source("web-01", samples={"cpu": Sample("web-01", "local", "cpu", 10.0, NOW)})
    printer = reported(1, "printer-3", Severity.CRITICAL, 5)
    acked = acknowledge(reported(2, "vpn", Severity.WARNING, 9), by="dana", at=NOW)
    fixed = resolve(reported(3, "badge-reader", Severity.WARNING, 9), by="dana", at=NOW)
    incidents = [printer, acked, fixed]

    assert [r.name for r in source_rows([watched], incidents)] == ["web-01"]
    rows = source_rows([watched], incidents, unwatched=True)
    assert [(r.name, r.kind, r.status) for r in rows] == [
        ("printer-3", "reported", Status.CRIT),
        ("vpn", "reported", Status.WARN),
        ("web-01", "host", Status.OK),
    ]
    assert rows[0].failing_title == "printer-3 is broken"


def test_the_oldest_unacknowledged_age_ignores_acknowledged_incidents() -> None:
    newer = reported(1, "printer-3", Severity.WARNING, 5)
    older = acknowledge(reported(2, "vpn", Severity.WARNING, 30), by="dana", at=NOW)
    summary = summarize([newer, older], [], None, NOW)
    assert summary.oldest_unacknowledged == timedelta(minutes=5)
    assert dict(summary.open_by_severity)[Severity.WARNING] == 2
