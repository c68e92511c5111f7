"""Stats over a small explicit history, every figure worked out by hand below."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from onwatch.incidents import (
    Category,
    EntryKind,
    Feedback,
    Incident,
    Mark,
    Priority,
    Severity,
    State,
    TimelineEntry,
)
from onwatch.incidents.stats import compute, percentile
from onwatch.incidents.summary import summarize, summary_from_dict, summary_to_dict

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
MIN = timedelta(minutes=1)


def incident(
    n: int,
    *,
    opened: datetime,
    source: str = "web",
    check: str = "http",
    severity: Severity = Severity.WARNING,
    category: Category = Category.AVAILABILITY,
    ack: timedelta | None = None,
    resolve: timedelta | None = None,
    rating: int | None = None,
    reopens: int = 0,
    flapping: bool = False,
    title: str = "down",
) -> Incident:
    timeline = [TimelineEntry(opened, EntryKind.OPENED, "onwatch")]
    timeline += [TimelineEntry(opened, EntryKind.REOPENED, "onwatch")] * reopens
    return Incident(
        id=n,
        fingerprint=f"{source}/{check}/m",
        title=title,
        source=source,
        check=check,
        metric="m",
        value=1.0,
        threshold=0.5,
        severity=severity,
        priority=Priority.P3,
        category=category,
        state=State.RESOLVED if resolve else State.TRIGGERED,
        escalation_level=0,
        count=1,
        created_at=opened,
        last_seen_at=opened,
        acknowledged_at=opened + ack if ack else None,
        resolved_at=opened + resolve if resolve else None,
        timeline=tuple(timeline),
        marks=frozenset({Mark.FLAPPING}) if flapping else frozenset(),
        feedback=(Feedback(rating, "", "u", opened),) if rating else (),
    )


def history() -> list[Incident]:
    d0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    return [
        # 1-3 on web/http, 28 Nov; 4 on db/disk 29 Nov; 5 on db/disk 30 Nov; 6 is too old.
        incident(1, opened=d0, ack=2 * MIN, resolve=10 * MIN, rating=4),
        incident(2, opened=d0 + MIN, ack=4 * MIN, resolve=30 * MIN, rating=2, reopens=2),
        incident(3, opened=d0 + 2 * MIN, ack=6 * MIN, severity=Severity.CRITICAL, reopens=1),
        incident(
            4,
            opened=d0 + DAY,
            source="db",
            check="disk",
            category=Category.RESOURCE,
            ack=20 * MIN,
            resolve=60 * MIN,
            flapping=True,
        ),
        incident(
            5,
            opened=d0 + 2 * DAY,
            source="db",
            check="disk",
            category=Category.RESOURCE,
            severity=Severity.INFO,
        ),
        incident(6, opened=d0 - 10 * DAY, source="old", check="x", ack=MIN, resolve=MIN),
        incident(7, opened=d0, title="DRILL: failover", ack=100 * MIN, resolve=200 * MIN),
    ]


def test_stats_of_a_generated_history_match_the_hand_computed_figures() -> None:
    since = datetime(2026, 11, 27, tzinfo=UTC)
    figures = compute((summarize(i) for i in history()), now=NOW, since=since)
    # 6 is older than since, 7 is a drill: five incidents count.
    assert figures["total"] == 5
    assert figures["by_severity"] == {"warning": 3, "critical": 1, "info": 1}
    assert figures["by_category"] == {"availability": 3, "resource": 2}
    assert figures["by_source"] == {"web": 3, "db": 2}
    # Acknowledged after 2, 4, 6, 20 minutes: median (4+6)/2 = 5 min; p90 is the
    # ceil(0.9*4) = 4th smallest, 20 min.
    assert figures["time_to_acknowledge"] == {"count": 4, "median_s": 300.0, "p90_s": 1200.0}
    # Resolved after 10, 30, 60 minutes: median 30 min; p90 the 3rd of 3, 60 min.
    assert figures["time_to_resolve"] == {"count": 3, "median_s": 1800.0, "p90_s": 3600.0}
    assert figures["noisiest_checks"] == [
        {"source": "web", "check": "http", "incidents": 3},
        {"source": "db", "check": "disk", "incidents": 2},
    ]
    # db/disk was marked flapping; web/http came back 2 + 1 = 3 times (the threshold).
    assert figures["flapping_checks"] == [
        {"source": "db", "check": "disk", "flapping": 1, "reopens": 0},
        {"source": "web", "check": "http", "flapping": 0, "reopens": 3},
    ]
    assert figures["feedback"] == {"count": 2, "average": 3.0}
    assert figures["per_day"] == [
        {"day": "2026-11-27", "incidents": 0},
        {"day": "2026-11-28", "incidents": 3},
        {"day": "2026-11-29", "incidents": 1},
        {"day": "2026-11-30", "incidents": 1},
    ]


def test_drills_count_only_when_asked() -> None:
    since = datetime(2026, 11, 27, tzinfo=UTC)
    figures = compute((summarize(i) for i in history()), now=NOW, since=since, include_drills=True)
    assert figures["total"] == 6
    assert figures["drills_included"] is True
    # The drill's 100 minutes joins 2, 4, 6, 20: median 6 min.
    assert figures["time_to_acknowledge"]["median_s"] == 360.0


def test_a_drill_mark_makes_a_drill_whatever_the_title() -> None:
    marked = incident(1, opened=NOW - MIN)
    row = summary_to_dict(summarize(marked))
    assert row["drill"] is False
    row["drill"] = True
    assert compute([summary_from_dict(row)], now=NOW)["total"] == 0


def test_no_history_gives_empty_figures_not_errors() -> None:
    figures = compute([], now=NOW)
    assert figures["total"] == 0
    assert figures["time_to_acknowledge"] == {"count": 0, "median_s": None, "p90_s": None}
    assert figures["feedback"]["average"] is None
    assert figures["per_day"] == []


def test_percentile_is_nearest_rank() -> None:
    assert percentile([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([7], 0.9) == 7
    assert percentile([], 0.5) is None


def test_summary_round_trips_through_its_dict() -> None:
    original = summarize(history()[1])
    assert summary_from_dict(summary_to_dict(original)) == original
    assert original.reopens == 2 and original.rating == 2


def test_a_row_from_the_incident_and_from_its_record_agree() -> None:
    from onwatch.incidents.codec import incident_to_dict
    from onwatch.incidents.summary import summary_row

    source = history()[3]
    record = incident_to_dict(source)
    assert summary_row(record, source) == summary_row(record)
