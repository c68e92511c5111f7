"""The summary file's format: its header line and its rows (see store.summaries).

    line 1   {"format": 2, "month": "2026-11", "archive": [inode, mtime_ns, size],
              "ids": [[first, last], ...], "count": N, "opened": [earliest, latest]}
    line 2.. one `incidents.summary` row per incident of that archive: in id order when
             written whole, with incidents added since (store.archive_append) after them

`opened` spans the incidents' opening times (epoch seconds). Anything that does not read as
this format raises ValueError (or KeyError, TypeError): the caller rebuilds the summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from onwatch.incidents.summary import row_epochs, summary_row
from onwatch.store.errors import unreadable
from onwatch.store.storage import Revision

FORMAT = 2


@dataclass(frozen=True, slots=True)
class MonthHeader:
    month: str
    archive: Revision
    ids: tuple[tuple[int, int], ...]
    count: int
    opened: tuple[float, float] | None = None
    """Earliest and latest opening time of the month's incidents (epoch seconds); None when
    it holds none."""

    def holds(self, incident_id: int) -> bool:
        return any(first <= incident_id <= last for first, last in self.ids)

    @property
    def max_id(self) -> int:
        return max((last for _, last in self.ids), default=0)

    def opened_by(self, epoch: float) -> bool:
        """Whether any of the month's incidents opened at or before `epoch`."""
        return self.opened is not None and self.opened[0] <= epoch


def merged_runs(runs: Iterable[tuple[int, int]], ids: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """`runs` with `ids` added, as sorted (first, last) runs again: ids are handed out in
    order, so a month is a few runs."""
    spans = sorted([*((a, b) for a, b in runs), *((i, i) for i in ids)])
    merged: list[list[int]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return tuple((a, b) for a, b in merged)


def opened_span(
    rows: Iterable[dict[str, Any]], known: tuple[float, float] | None = None
) -> tuple[float, float] | None:
    """The earliest and latest opening time of `rows` and of `known` (a span found before)."""
    opened = [e for e in (row_epochs(row)[0] for row in rows) if e is not None]
    if known is not None:
        opened.extend(known)
    return (float(min(opened)), float(max(opened))) if opened else None


def header_line(header: MonthHeader) -> bytes:
    return orjson.dumps(
        {
            "format": FORMAT,
            "month": header.month,
            "archive": list(header.archive),
            "ids": [list(run) for run in header.ids],
            "count": header.count,
            "opened": None if header.opened is None else list(header.opened),
        }
    )


def checked_rows(rows: Any) -> list[dict[str, Any]]:
    """Rows as written, or ValueError: each an object with an integer id and its four times."""
    for row in rows:
        epochs = row["epochs"]
        if not (isinstance(row["id"], int) and isinstance(epochs, list) and len(epochs) == 4):
            raise ValueError("not a summary row")
        if not isinstance(epochs[0], int | float):
            raise ValueError("not a summary row")
    return rows


def parse_header(line: bytes, month: str) -> MonthHeader:
    data = orjson.loads(line)
    if data.get("format") != FORMAT or data.get("month") != month:
        raise ValueError("not this month's summary")
    archive = tuple(int(x) for x in data["archive"])
    if len(archive) != 3:
        raise ValueError("bad archive revision")
    opened = data["opened"]
    if opened is not None:
        earliest, latest = (float(x) for x in opened)
        opened = (earliest, latest)
    return MonthHeader(
        month=month,
        archive=archive,  # type: ignore[arg-type]
        ids=tuple((int(a), int(b)) for a, b in data["ids"]),
        count=int(data["count"]),
        opened=opened,
    )


def rows_of(path: Path, records: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for doc_id, record in records.items():
        try:
            rows[int(doc_id)] = summary_row(record)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise unreadable(path, "incident", doc_id, exc) from None
    return rows
