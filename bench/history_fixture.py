"""A store with a long closed history, written straight to its files (seconds, not minutes).

Incidents are spread evenly over `months` months ending at `now`, each with a realistic
timeline (opened, notified, acknowledged, a note, resolved, closed) and one in ten with
feedback, so archive files are as large as a real team's.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from onwatch.incidents import (
    Category,
    EntryKind,
    Feedback,
    Incident,
    Priority,
    Severity,
    State,
    TimelineEntry,
)
from onwatch.incidents.codec import incident_to_dict
from onwatch.store import transaction
from onwatch.store.storage import write_json_atomic

PART_SIZE: int | None = getattr(transaction, "PART_SIZE", None)
"""As the store writes archives (None: an onwatch before archive parts, one file a month)."""

SOURCES = [f"host-{n:02d}" for n in range(40)]
CHECKS = ["cpu", "memory", "disk", "http", "tcp", "cert"]
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def closed_incident(incident_id: int, opened: datetime, rng: random.Random) -> Incident:
    source = rng.choice(SOURCES)
    check = rng.choice(CHECKS)
    acked = opened + timedelta(seconds=rng.randint(30, 3600))
    resolved = acked + timedelta(seconds=rng.randint(60, 7200))
    closed = resolved + timedelta(seconds=rng.randint(60, 3600))
    timeline = (
        TimelineEntry(opened, EntryKind.OPENED, "onwatch", f"{check} above threshold"),
        TimelineEntry(opened, EntryKind.NOTIFY, "onwatch", "notified oncall"),
        TimelineEntry(acked, EntryKind.ACKNOWLEDGED, "alice", ""),
        TimelineEntry(acked, EntryKind.NOTE, "alice", "looking at the recent deploy"),
        TimelineEntry(resolved, EntryKind.RESOLVED, "onwatch", "back under threshold"),
        TimelineEntry(closed, EntryKind.CLOSED, "alice", "rolled back the deploy"),
    )
    feedback = (Feedback(rng.randint(1, 5), "", "bob", closed),) if incident_id % 10 == 0 else ()
    return Incident(
        id=incident_id,
        fingerprint=f"{source}/{check}/{check}.value",
        title=f"{source} {check} above threshold",
        source=source,
        check=check,
        metric=f"{check}.value",
        value=rng.uniform(80, 100),
        threshold=80.0,
        severity=rng.choice(list(Severity)),
        priority=rng.choice(list(Priority)),
        category=rng.choice([Category.RESOURCE, Category.AVAILABILITY, Category.LATENCY]),
        state=State.CLOSED,
        escalation_level=0,
        count=rng.randint(1, 20),
        created_at=opened,
        last_seen_at=resolved,
        acknowledged_at=acked,
        resolved_at=resolved,
        closed_at=closed,
        timeline=timeline,
        feedback=feedback,
        owner="alice",
    )


def history(count: int, months: int, now: datetime = NOW, seed: int = 12) -> list[Incident]:
    rng = random.Random(seed)
    start = now - timedelta(days=30.4 * months)
    step = (now - timedelta(hours=6) - start) / count
    return [closed_incident(n + 1, start + step * n, rng) for n in range(count)]


def write_store(db: Path, incidents: list[Incident], part_size: int | None = PART_SIZE) -> None:
    """The live file (no open incidents, the id counter) and the archives of each month closed,
    in parts of `part_size` as onwatch writes them (None: one file a month, as older versions)."""
    months: dict[str, dict[str, object]] = {}
    counts: dict[str, int] = {}
    for incident in incidents:
        month = incident.closed_at.strftime("%Y-%m")  # type: ignore[union-attr]
        n = counts[month] = counts.get(month, 0) + 1
        part = 1 if part_size is None else 1 + (n - 1) // part_size
        key = month if part == 1 else f"{month}-p{part}"
        months.setdefault(key, {})[str(incident.id)] = incident_to_dict(incident)
    db.parent.mkdir(parents=True, exist_ok=True)
    for month, records in months.items():
        archive = db.with_name(f"{db.stem}-archive-{month}{db.suffix}")
        write_json_atomic(archive, {"incidents": records})
    next_id = 1 + max((i.id for i in incidents), default=0)
    write_json_atomic(db, {"incidents": {}, "meta": {"1": {"format": 1, "next_id": next_id}}})
