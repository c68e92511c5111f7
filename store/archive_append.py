"""Adding closed incidents to an archive part and its summary without reading either back.

Nearly every write to an archive only adds to it: an incident closes. Parsing a part of a
thousand incidents to add one, then writing it whole, costs time that grows with the part and,
worse, a heap that grows with it: Python keeps the high-water mark of those short-lived
objects, so a long-running engine's resident memory climbed for the hours a part took to fill.
Both files are written by onwatch in a shape it knows (the archive as compact JSON with one
table, the summary as a header line and one line per incident), so an addition is spliced into
their bytes: the work is a copy of the file, whatever it holds, and no object is made per
incident already there. A file not in that shape is left to the caller, who reads and rewrites
it whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import orjson

from onwatch.store.storage import Revision
from onwatch.store.summary_format import (
    MonthHeader,
    header_line,
    merged_runs,
    opened_span,
    parse_header,
)

ARCHIVE_HEAD = b'{"incidents":{'
ARCHIVE_TAIL = b"}}"
EMPTY_ARCHIVE = ARCHIVE_HEAD + ARCHIVE_TAIL


def archive_with(raw: bytes, records: Mapping[int, dict[str, Any]]) -> bytes | None:
    """`raw`, an archive part as onwatch writes it, with `records` (none of its ids already
    there) added; None when `raw` is not in that shape."""
    if not (raw.startswith(ARCHIVE_HEAD) and raw.endswith(ARCHIVE_TAIL)):
        return None
    added = b",".join(b'"%d":' % key + orjson.dumps(record) for key, record in records.items())
    if raw == EMPTY_ARCHIVE:
        return ARCHIVE_HEAD + added + ARCHIVE_TAIL
    if not raw.endswith(b"}" + ARCHIVE_TAIL):  # the last record's end, the table's, the file's
        return None
    return raw[: -len(ARCHIVE_TAIL)] + b"," + added + ARCHIVE_TAIL


def grown_header(
    header: MonthHeader, rows: Mapping[int, dict[str, Any]], archive: Revision
) -> MonthHeader:
    """`header` once `rows` (new to it) are added and its archive is at `archive`."""
    return replace(
        header,
        archive=archive,
        ids=merged_runs(header.ids, rows),
        count=header.count + len(rows),
        opened=opened_span(rows.values(), header.opened),
    )


def summary_with(
    raw: bytes, header: MonthHeader, rows: Mapping[int, dict[str, Any]], archive: Revision
) -> bytes | None:
    """`raw`, a summary that `header` describes, with `rows` added for its archive now at
    `archive`; None when `raw` is not what `header` says."""
    first = raw.find(b"\n")
    if first < 0 or not raw.endswith(b"\n") or raw.count(b"\n") != header.count + 1:
        return None
    try:
        if parse_header(raw[:first], header.month) != header:
            return None
    except (ValueError, TypeError, KeyError, orjson.JSONDecodeError):
        return None
    grown = grown_header(header, rows, archive)
    added = b"".join(orjson.dumps(row) + b"\n" for row in rows.values())
    return header_line(grown) + raw[first:] + added
