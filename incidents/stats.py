"""Figures over a stretch of history: how many incidents, of what, how fast they were handled.

Pure: summaries in (see `incidents.summary`), plain JSON-ready dicts out, the time passed in.
Percentiles are nearest-rank (p90 of 10 values is the 9th smallest); the median is the
middle value, or the mean of the two middle ones.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from onwatch.incidents.summary import Summary
from onwatch.incidents.timefmt import to_iso

TOP_CHECKS = 10
FLAPPING_REOPENS = 3
"""A check counts as flapping when its incidents were marked flapping, or came back this often."""
MAX_DAYS = 3660


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of `values` (any order); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _durations(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "median_s": statistics.median(values) if values else None,
        "p90_s": percentile(values, 0.9),
    }


def _counts(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def compute(
    summaries: Iterable[Summary],
    *,
    now: datetime,
    since: datetime | None = None,
    include_drills: bool = False,
) -> dict[str, Any]:
    """The figures of every incident opened at or after `since` (all when None) until `now`."""
    severity: Counter[str] = Counter()
    category: Counter[str] = Counter()
    source: Counter[str] = Counter()
    checks: Counter[tuple[str, str]] = Counter()
    flapped: Counter[tuple[str, str]] = Counter()
    reopens: Counter[tuple[str, str]] = Counter()
    per_day: Counter[str] = Counter()
    to_ack: list[float] = []
    to_resolve: list[float] = []
    ratings: list[int] = []
    first: datetime | None = None
    total = 0
    for s in summaries:
        if (since is not None and s.created_at < since) or s.created_at > now:
            continue
        if s.drill and not include_drills:
            continue
        total += 1
        severity[s.severity] += 1
        category[s.category] += 1
        source[s.source] += 1
        key = (s.source, s.check)
        checks[key] += 1
        if s.flapping:
            flapped[key] += 1
        reopens[key] += s.reopens
        per_day[s.created_at.date().isoformat()] += 1
        first = s.created_at if first is None or s.created_at < first else first
        if s.acknowledged_at is not None:
            to_ack.append((s.acknowledged_at - s.created_at).total_seconds())
        if s.resolved_at is not None:
            to_resolve.append((s.resolved_at - s.created_at).total_seconds())
        if s.rating is not None:
            ratings.append(s.rating)
    noisiest = sorted(checks.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CHECKS]
    flapping = [
        {"source": k[0], "check": k[1], "flapping": flapped[k], "reopens": reopens[k]}
        for k in sorted(checks, key=lambda k: (-flapped[k], -reopens[k], k))
        if flapped[k] or reopens[k] >= FLAPPING_REOPENS
    ]
    return {
        "since": None if since is None else to_iso(since),
        "until": to_iso(now),
        "drills_included": include_drills,
        "total": total,
        "by_severity": _counts(severity),
        "by_category": _counts(category),
        "by_source": _counts(source),
        "time_to_acknowledge": _durations(to_ack),
        "time_to_resolve": _durations(to_resolve),
        "noisiest_checks": [{"source": k[0], "check": k[1], "incidents": n} for k, n in noisiest],
        "flapping_checks": flapping,
        "feedback": {
            "count": len(ratings),
            "average": round(statistics.fmean(ratings), 2) if ratings else None,
        },
        "per_day": _days(per_day, since or first, now),
    }


def _days(per_day: Counter[str], start: datetime | None, now: datetime) -> list[dict[str, Any]]:
    """One row per calendar day (UTC) from `start` to `now`, zero where nothing opened."""
    if start is None:
        return []
    day, last = start.date(), now.date()
    if (last - day).days > MAX_DAYS:
        day = last - timedelta(days=MAX_DAYS)
    rows = []
    while day <= last:
        text = day.isoformat()
        rows.append({"day": text, "incidents": per_day.get(text, 0)})
        day += timedelta(days=1)
    return rows
