"""Figures over a stretch of history: how many incidents, of what, how fast they were handled.

Pure: summaries in (see `incidents.summary`), plain JSON-ready dicts out, the time passed in.
Percentiles are nearest-rank (p90 of 10 values is the 9th smallest); the median is the
middle value, or the mean of the two middle ones.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from onwatch.incidents.summary import Summary, row_epochs, summary_to_dict
from onwatch.incidents.timefmt import to_iso

TOP_CHECKS = 10
FLAPPING_REOPENS = 3
"""A check counts as flapping when its incidents were marked flapping, or came back this often."""
MAX_DAYS = 3660
_EPOCH_DAY = date(1970, 1, 1)


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
    summaries: Iterable[Summary | Mapping[str, Any]],
    *,
    now: datetime,
    since: datetime | None = None,
    include_drills: bool = False,
) -> dict[str, Any]:
    """The figures of every incident opened at or after `since` (all when None) until `now`.

    `summaries` are `Summary` records or their rows as the store keeps them (`summary_row`).
    """
    severity: Counter[str] = Counter()
    category: Counter[str] = Counter()
    source: Counter[str] = Counter()
    checks: Counter[tuple[str, str]] = Counter()
    flapped: Counter[tuple[str, str]] = Counter()
    reopens: Counter[tuple[str, str]] = Counter()
    per_day: Counter[int] = Counter()
    to_ack: list[float] = []
    to_resolve: list[float] = []
    ratings: list[int] = []
    floor = since.timestamp() if since is not None else None
    ceiling = now.timestamp()
    first: float | None = None
    total = 0
    for item in summaries:
        row = summary_to_dict(item) if isinstance(item, Summary) else item
        created, acked, resolved, _ = row_epochs(row)  # type: ignore[arg-type]
        if created is None or (floor is not None and created < floor) or created > ceiling:
            continue
        if row["drill"] and not include_drills:
            continue
        total += 1
        severity[row["severity"]] += 1
        category[row["category"]] += 1
        source[row["source"]] += 1
        key = (row["source"], row["check"])
        checks[key] += 1
        if row["flapping"]:
            flapped[key] += 1
        reopens[key] += row["reopens"]
        per_day[int(created // 86400)] += 1
        first = created if first is None or created < first else first
        if acked is not None:
            to_ack.append(acked - created)
        if resolved is not None:
            to_resolve.append(resolved - created)
        if row["rating"] is not None:
            ratings.append(row["rating"])
    noisiest = sorted(checks.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CHECKS]
    flapping = [
        {"source": k[0], "check": k[1], "flapping": flapped[k], "reopens": reopens[k]}
        for k in sorted(checks, key=lambda k: (-flapped[k], -reopens[k], k))
        if flapped[k] or reopens[k] >= FLAPPING_REOPENS
    ]
    start = since if since is not None else None
    if start is None and first is not None:
        start = datetime.fromtimestamp(first, UTC)
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
        "per_day": _days(per_day, start, now),
    }


def _days(per_day: Counter[int], start: datetime | None, now: datetime) -> list[dict[str, Any]]:
    """One row per calendar day (UTC) from `start` to `now`, zero where nothing opened."""
    if start is None:
        return []
    day, last = start.astimezone(UTC).date(), now.astimezone(UTC).date()
    if (last - day).days > MAX_DAYS:
        day = last - timedelta(days=MAX_DAYS)
    rows = []
    while day <= last:
        index = (day - _EPOCH_DAY).days
        rows.append({"day": day.isoformat(), "incidents": per_day.get(index, 0)})
        day += timedelta(days=1)
    return rows
