"""What the history says, for every face: stats over summaries and an export streamed by month.

Both read the live file and the archives through the store's summaries, one month at a time,
so the memory they need does not grow with the length of the history.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson

from onwatch.incidents import stats
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.summary import COLUMNS, is_drill, summary_row
from onwatch.store import IncidentStore

FORMATS = ("csv", "json")


def stats_of(
    store: IncidentStore, *, now: datetime, since: datetime | None, include_drills: bool = False
) -> dict[str, Any]:
    return stats.compute(
        store.history_rows(since), now=now, since=since, include_drills=include_drills
    )


def export_lines(
    store: IncidentStore,
    fmt: str,
    *,
    since: datetime | None = None,
    include_drills: bool = False,
) -> Iterator[str]:
    """The export as text lines (each ending in a newline): closed incidents month by month,
    oldest month first and by id within it, then the unclosed ones by id. Only incidents opened
    at or after `since`; drills only with `include_drills`."""
    if fmt not in FORMATS:
        raise ValueError(f"export format is csv or json, not {fmt!r}")
    if fmt == "csv":
        yield _csv_line(COLUMNS)
    floor = since.strftime("%Y-%m") if since is not None else ""
    seen: set[int] = set()
    for month in reversed(store.archive_months()):
        if month[:7] < floor:
            continue
        chunk = [i for i in store.archived_in(month) if i.id not in seen]
        seen.update(i.id for i in chunk)
        yield from _lines(chunk, fmt, since, include_drills)
        del chunk
    yield from _lines(store.unclosed(), fmt, since, include_drills)


def _lines(incidents: list[Any], fmt: str, since: datetime | None, drills: bool) -> Iterator[str]:
    for incident in incidents:
        if since is not None and incident.created_at < since:
            continue
        if not drills and is_drill(incident):
            continue
        record = incident_to_dict(incident)
        if fmt == "json":
            yield orjson.dumps(record).decode() + "\n"
        else:
            row = summary_row(record)
            yield _csv_line(["" if row[c] is None else row[c] for c in COLUMNS])


def _csv_line(values: Any) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()
