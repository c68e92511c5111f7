"""An incident in one short line: what stats, exports and history lookups need, nothing more.

Summaries are kept beside the monthly archives so that questions over years of history (how
many, how fast, which check) are answered without decoding every timeline. The dict form is
what the store writes and what `onwatch incidents export --format csv` prints, column for column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.model import Incident
from onwatch.incidents.timefmt import from_iso, to_iso

DRILL_PREFIX = "DRILL"
DRILL_MARK = "drill"

COLUMNS = (
    "id",
    "fingerprint",
    "source",
    "check",
    "metric",
    "title",
    "severity",
    "priority",
    "category",
    "state",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "owner",
    "rating",
    "reopens",
    "flapping",
    "drill",
)
"""The summary's fields in order: the CSV export's header row."""

_TIMES = ("created_at", "acknowledged_at", "resolved_at", "closed_at")


@dataclass(frozen=True, slots=True)
class Summary:
    id: int
    fingerprint: str
    source: str
    check: str
    metric: str
    title: str
    severity: str
    priority: str
    category: str
    state: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    owner: str | None
    rating: int | None
    """The latest feedback rating (1-5), None without feedback."""
    reopens: int
    """How many times it came back after recovering or being closed."""
    flapping: bool
    """Marked flapping at any point of its life."""
    drill: bool


def is_drill(incident: Incident) -> bool:
    """A rehearsal, not an outage: titled "DRILL..." or carrying a drill mark or flag."""
    if incident.title.upper().startswith(DRILL_PREFIX):
        return True
    if bool(getattr(incident, "drill", False)):
        return True
    return any(str(mark) == DRILL_MARK for mark in incident.marks)


def summarize(incident: Incident) -> Summary:
    return summary_from_dict(summary_row(incident_to_dict(incident)))


def summary_row(record: dict[str, Any], incident: Incident | None = None) -> dict[str, Any]:
    """The summary of an incident from its stored form (`codec.incident_to_dict`), without
    decoding it: archiving many incidents at once summarises each at the cost of a few lookups.
    With `incident` (the record's source) its times are taken as they are, not parsed back."""
    marks = record.get("marks") or ()
    reopens = 0
    flapped = "flapping" in marks
    for entry in record.get("timeline") or ():
        kind = entry.get("kind")
        if kind == "reopened":
            reopens += 1
        elif kind == "flapping":
            flapped = True
    feedback = record.get("feedback") or ()
    title = str(record.get("title", ""))
    return {
        "id": record["id"],
        "fingerprint": record["fingerprint"],
        "source": record["source"],
        "check": record["check"],
        "metric": record.get("metric", ""),
        "title": title,
        "severity": record["severity"],
        "priority": record.get("priority", ""),
        "category": record["category"],
        "state": record["state"],
        "created_at": record["created_at"],
        "acknowledged_at": record.get("acknowledged_at"),
        "resolved_at": record.get("resolved_at"),
        "closed_at": record.get("closed_at"),
        "owner": record.get("owner"),
        "rating": feedback[-1]["rating"] if feedback else None,
        "reopens": reopens,
        "flapping": flapped,
        "drill": title.upper().startswith(DRILL_PREFIX)
        or DRILL_MARK in marks
        or bool(record.get("drill", False)),
        # The four times again as seconds since the epoch: stats over a year of summaries add
        # and compare numbers instead of parsing a hundred thousand timestamps.
        "epochs": [_epoch(record.get(name)) for name in _TIMES]
        if incident is None
        else [None if t is None else t.timestamp() for t in _times_of(incident)],
    }


def _times_of(incident: Incident) -> tuple[datetime | None, ...]:
    return (incident.created_at, incident.acknowledged_at, incident.resolved_at, incident.closed_at)


def row_epochs(row: dict[str, Any]) -> list[float | None]:
    """created, acknowledged, resolved and closed times of a summary row, in epoch seconds."""
    epochs = row.get("epochs")
    if isinstance(epochs, list) and len(epochs) == 4 and isinstance(epochs[0], int | float):
        return epochs
    return [_epoch(row.get(name)) for name in _TIMES]


def _epoch(value: Any) -> float | None:
    parsed = _time(value)
    return None if parsed is None else parsed.timestamp()


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    """The row as the store keeps it and the CSV export prints it: COLUMNS, times as ISO."""
    out: dict[str, Any] = {}
    for name in COLUMNS:
        value = getattr(summary, name)
        out[name] = to_iso(value) if isinstance(value, datetime) else value
    return out


def summary_from_dict(data: dict[str, Any]) -> Summary:
    """The inverse of `summary_to_dict`; raises KeyError/ValueError/TypeError on a bad row."""
    times = {name: _time(data.get(name)) for name in _TIMES}
    created = times.pop("created_at")
    if created is None:
        raise ValueError("summary without created_at")
    rating = data.get("rating")
    owner = data.get("owner")
    return Summary(
        id=int(data["id"]),
        fingerprint=str(data["fingerprint"]),
        source=str(data["source"]),
        check=str(data["check"]),
        metric=str(data.get("metric", "")),
        title=str(data["title"]),
        severity=str(data["severity"]),
        priority=str(data.get("priority", "")),
        category=str(data["category"]),
        state=str(data["state"]),
        created_at=created,
        owner=None if owner is None else str(owner),
        rating=None if rating is None else int(rating),
        reopens=int(data.get("reopens", 0)),
        flapping=bool(data.get("flapping", False)),
        drill=bool(data.get("drill", False)),
        **times,
    )


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    # What the store writes is UTC with a Z, which fromisoformat reads directly; from_iso's
    # normalising costs more than the parse over a year of summaries.
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        return from_iso(str(value))
    return parsed
