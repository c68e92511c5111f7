"""One summary file per archive month: which incidents a month holds, and each in one line.

Beside `incidents-archive-2026-11.json` lives `incidents-summary-2026-11.jsonl`: a header
line, then one row per incident (the format is `store.summary_format`'s).

The header names the archive's revision as it was when the summary was written, so a summary
is trusted only while its archive is unchanged: a crash between writing the archive and its
summary, a deleted or corrupt summary, or an archive written by an older onwatch all read as
stale, and the summary is rebuilt from the archive (under the store's lock, written atomically).
Finding the month of an id reads the first line of each summary; counting and listing history
reads the summaries, never the archives' timelines. `opened` spans the incidents' opening times
(epoch seconds): a search for earlier incidents passes over a month whose earliest opened later.
A summary of an older format reads as stale, and is rebuilt once.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from onwatch.store.archive_append import summary_with
from onwatch.store.lock import WriteLock
from onwatch.store.storage import (
    Revision,
    file_revision,
    read_json,
    remove_orphaned_temp_files,
    write_bytes_atomic,
)
from onwatch.store.summary_format import (
    MonthHeader,
    checked_rows,
    header_line,
    merged_runs,
    opened_span,
    parse_header,
    rows_of,
)

INCIDENTS = "incidents"


class Summaries:
    """The summary files of one store. `archive_path(month)` names a month's archive."""

    def __init__(
        self,
        live: Path,
        lock: WriteLock,
        archive_path: Callable[[str], Path],
        months: Callable[[], list[str]],
    ) -> None:
        self._live = live
        self._lock = lock
        self._archive_path = archive_path
        self._months = months
        self._re = re.compile(
            re.escape(live.stem) + r"-summary-(\d{4}-\d{2}(?:-p\d+)?)\.jsonl$",
        )
        self._unsaved: dict[str, tuple[MonthHeader, list[dict[str, Any]]]] = {}
        """Summaries rebuilt where they could not be written (a read-only store): kept in
        memory for this process, so reading still works."""

    def path(self, month: str) -> Path:
        return self._live.with_name(f"{self._live.stem}-summary-{month}.jsonl")

    def remove_orphans(self) -> None:
        """Under the lock: temp files of killed writers, summaries whose archive is gone."""
        with self._lock:
            months = set(self._months())
            for candidate in self._live.parent.iterdir():
                found = self._re.match(candidate.name)
                if found and found.group(1) not in months:
                    with contextlib.suppress(OSError):  # a read-only store keeps it: harmless
                        candidate.unlink()
            for month in months:
                remove_orphaned_temp_files(self.path(month))

    # --- reading -------------------------------------------------------------------------------

    def header(self, month: str) -> MonthHeader:
        """The month's header, rebuilding the summary first when it is missing or stale."""
        found = self._read_header(month)
        if found is None or found.archive != file_revision(self._archive_path(month)):
            kept = self._unsaved.get(month)
            if kept is not None and kept[0].archive == file_revision(self._archive_path(month)):
                return kept[0]
            with self._lock:
                found = self._read_header(month)
                if found is None or found.archive != file_revision(self._archive_path(month)):
                    found = self._rebuild(month)
        return found

    def headers(self) -> Iterator[MonthHeader]:
        """Every month's header, newest month first."""
        for month in self._months():
            yield self.header(month)

    def month_of(self, incident_id: int) -> str | None:
        for header in self.headers():
            if header.holds(incident_id):
                return header.month
        return None

    def rows(
        self,
        month: str,
        *,
        fingerprint: str | None = None,
        source: str | None = None,
        header: MonthHeader | None = None,
    ) -> list[dict[str, Any]]:
        """The month's summary rows (`incidents.summary.summary_row`) by id, only
        `fingerprint`'s (or else `source`'s) when given; rebuilt first if missing, stale or
        damaged. `header`: the month's, when the caller has just read it."""
        where = ("fingerprint", fingerprint) if fingerprint is not None else None
        if where is None and source is not None:
            where = ("source", source)
        if header is None:
            header = self.header(month)
        rows = self._read_rows(month, header, where)
        if rows is None:
            rows = self._kept_rows(month, header, where)
        if rows is None:
            with self._lock:
                header = self._rebuild(month)
                rows = self._read_rows(month, header, where)
                if rows is None:
                    rows = self._kept_rows(month, header, where)
        return rows or []

    def _kept_rows(
        self, month: str, header: MonthHeader, where: tuple[str, str] | None
    ) -> list[dict[str, Any]] | None:
        kept = self._unsaved.get(month)
        if kept is None or kept[0] != header:
            return None
        if where is None:
            return list(kept[1])
        key, value = where
        return [row for row in kept[1] if row.get(key) == value]

    def _read_header(self, month: str) -> MonthHeader | None:
        try:
            with self.path(month).open("rb") as handle:
                return parse_header(handle.readline(), month)
        except (OSError, ValueError, TypeError, KeyError, orjson.JSONDecodeError):
            return None  # missing or unreadable: rebuilt from the archive

    def _read_rows(
        self, month: str, header: MonthHeader, where: tuple[str, str] | None = None
    ) -> list[dict[str, Any]] | None:
        try:
            raw = self.path(month).read_bytes()
            lines = raw.splitlines()
            if not lines or parse_header(lines[0], month) != header:
                return None  # replaced meanwhile
            if len(lines) - 1 != header.count:
                return None
            if where is not None:
                # Rows are written by orjson, compactly: the field reads exactly so. Lines are
                # filtered by bytes first, then parsed and checked for real.
                key, value = where
                needle = orjson.dumps(key) + b":" + orjson.dumps(value)
                if needle not in raw:
                    return []
                found = orjson.loads(b"[" + b",".join(x for x in lines[1:] if needle in x) + b"]")
                return _by_id([r for r in checked_rows(found) if r[key] == value])
            return _by_id(checked_rows(orjson.loads(b"[" + b",".join(lines[1:]) + b"]")))
        except (OSError, ValueError, TypeError, KeyError, orjson.JSONDecodeError):
            return None

    # --- writing (under the lock) --------------------------------------------------------------

    def _rebuild(self, month: str) -> MonthHeader:
        archive = self._archive_path(month)
        data = read_json(archive) or {}
        rows = rows_of(archive, data.get(INCIDENTS, {}))
        try:
            return self.write(month, rows)
        except OSError:
            # Read-only (or full): the summary is only a faster way to read the archive.
            header = self._header_of(month, rows)
            self._unsaved[month] = (header, [rows[i] for i in sorted(rows)])
            return header

    def _header_of(self, month: str, rows: Mapping[int, dict[str, Any]]) -> MonthHeader:
        return MonthHeader(
            month=month,
            archive=file_revision(self._archive_path(month)),
            ids=merged_runs((), rows),
            count=len(rows),
            opened=opened_span(rows.values()),
        )

    def write(self, month: str, rows: Mapping[int, dict[str, Any]]) -> MonthHeader:
        """Write the month's summary for its archive as it is now on disk."""
        header = self._header_of(month, rows)
        self._unsaved.pop(month, None)
        lines = [header_line(header)]
        lines.extend(orjson.dumps(rows[i]) for i in sorted(rows))
        # Not flushed to disk: a summary lost or torn by a power cut reads as damaged and is
        # rebuilt from its archive, which is.
        write_bytes_atomic(self.path(month), b"\n".join(lines) + b"\n", sync=False)
        return header

    def after_commit(
        self,
        month: str,
        before: Revision,
        changed: Mapping[int, dict[str, Any] | None],
        records: Callable[[], Mapping[str, Any]],
    ) -> None:
        """The archive of `month` was just rewritten to hold `records()` (was at `before`):
        bring its summary along, from the old summary and the changes when that was fresh."""
        rows: dict[int, dict[str, Any]] | None = None
        old = self._read_header(month)
        if old is not None and old.archive == before:
            rows = self._read_raw(month, old)
        if rows is None:
            unchanged = {k: v for k, v in records().items() if int(k) not in changed}
            rows = rows_of(self._archive_path(month), unchanged)
        for incident_id, row in changed.items():
            if row is None:
                rows.pop(incident_id, None)
            else:
                rows[incident_id] = row
        self.write(month, rows)

    def after_append(
        self, month: str, before: MonthHeader, added: Mapping[int, dict[str, Any]]
    ) -> bool:
        """The archive `before` described was just added `added` (summary rows by id, none of
        them in it before): add them to its summary too. False when the summary is no longer
        what `before` says; the caller then brings it along with `after_commit`."""
        try:
            raw = self.path(month).read_bytes()
        except OSError:
            return False
        grown = summary_with(raw, before, added, file_revision(self._archive_path(month)))
        if grown is None:
            return False
        self._unsaved.pop(month, None)
        write_bytes_atomic(self.path(month), grown, sync=False)  # not flushed: see write()
        return True

    def _read_raw(self, month: str, header: MonthHeader) -> dict[int, dict[str, Any]] | None:
        try:
            lines = self.path(month).read_bytes().splitlines()
            if not lines or parse_header(lines[0], month) != header:
                return None
            rows = [orjson.loads(line) for line in lines[1:] if line]
            found = {int(row["id"]): row for row in rows}
        except (OSError, ValueError, TypeError, KeyError, orjson.JSONDecodeError):
            return None
        return found if len(found) == header.count else None


def _by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Rows added since the summary was last written whole follow the others; they are nearly
    # in order already, which keeps this sort close to one pass.
    rows.sort(key=itemgetter("id"))
    return rows


__all__ = ["MonthHeader", "Summaries"]
