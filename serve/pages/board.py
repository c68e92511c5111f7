"""The wall's picture, computed once for the HTML page and for its JSON updates alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from onwatch.incidents.board import source_rows, summarize
from onwatch.incidents.timefmt import format_duration, to_iso
from onwatch.serve.state import ServeState

SIZES = ((4, "size-xl"), (12, "size-l"), (30, "size-m"))
"""Few tiles are big; many get the smallest that still reads across a room."""


def tile_size(count: int) -> str:
    return next((name for most, name in SIZES if count <= most), "size-s")


def wall_state(state: ServeState) -> dict[str, Any]:
    """What the wall shows now: counts by severity, the oldest unacknowledged age and every
    source as a tile, failing first (sources with incidents but no check here included)."""
    engine = state.engine
    now: datetime = engine.clock()
    incidents = list(engine.incidents.values())
    rows = source_rows(state.backend.sources(), incidents, unwatched=True)
    summary = summarize(incidents, (r.status for r in rows), engine.last_poll, now)
    oldest = summary.oldest_unacknowledged
    return {
        "now": to_iso(now),
        "counts": {severity.value: count for severity, count in summary.open_by_severity},
        "oldest_seconds": None if oldest is None else max(0, int(oldest.total_seconds())),
        "oldest": "-" if oldest is None else format_duration(oldest),
        "last_poll": to_iso(engine.last_poll) if engine.last_poll else None,
        "size": tile_size(len(rows)),
        "tiles": [
            {
                "name": row.name,
                "kind": row.kind,
                "status": row.status.css_class,
                "label": row.status.label,
                "title": row.failing_title,
                "owner": f"owner: {row.failing_owner}" if row.failing_owner else "",
            }
            for row in rows
        ],
    }
