"""A read-modify-write of the incidents files under the lock (see `incident_store`).

The transaction reads the live file (or starts from the copy its store last wrote), finds closed
incidents in their monthly archives, and on commit writes each changed file once: gains first,
then the live file, then removals, so every incident exists in some file at every moment.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onwatch.incidents import Incident, State
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.summary import summary_row
from onwatch.store.errors import NotFound
from onwatch.store.open_file import INCIDENTS, Known, OpenFile, decode_incident
from onwatch.store.storage import (
    Revision,
    file_revision,
    sync_directory_of,
    write_json_atomic,
)
from onwatch.store.tinydb_file import bump_revision, open_db, read_meta, write_meta

if TYPE_CHECKING:
    from onwatch.store.incident_store import IncidentStore

PART_SIZE = 1000
"""Incidents closed in one month go to a new part of its archive once a part holds this many."""


class Transaction:
    """The store as seen under the write lock. Use through `IncidentStore.transaction()`."""

    def __init__(self, store: IncidentStore, known: Known | None = None) -> None:
        self._store = store
        self._live = self._open(store.path, known.data if known is not None else None)
        self._archives: dict[Path, OpenFile] = {}
        self._where: dict[int, Path] = {}  # archive holding an incident read in this transaction
        self._runs: list[tuple[int, int, str]] | None = None
        self._run_starts: list[int] = []
        self._reach: list[int] = []
        self._parts: dict[str, Path] = {}  # month -> the part this transaction archives into
        self._live_cache: dict[int, Incident] | None = (
            dict(known.incidents) if known is not None else None
        )

    def _open(self, path: Path, data: dict[str, Any] | None = None) -> OpenFile:
        return OpenFile(open_db(path, data), revision=file_revision(path))

    def _open_to_add(self, path: Path) -> OpenFile:
        """An archive part that only gains, opened unread when its summary is fresh (see
        `store.archive_append`); a new part is simply written whole."""
        if path not in self._archives:
            if not path.exists():  # a new part: nothing to read (the lock is held)
                self._archives[path] = self._open(path, {})
                return self._archives[path]
            header = self._store.summaries.header(self._store.month_of_archive(path))
            self._archives[path] = OpenFile(
                open_db(path, read=False), revision=header.archive, header=header
            )
        return self._archives[path]

    def known(self, revision: Revision) -> Known | None:
        """What this transaction leaves the live file holding, for the next one to start from."""
        data = self._live.storage.read()
        if data is None:
            return None
        return Known(revision, data, dict(self._live_incidents()))

    def _archive(self, path: Path) -> OpenFile:
        if path not in self._archives:
            self._archives[path] = self._open(path)
        return self._archives[path]

    # --- reading inside the transaction --------------------------------------------------------

    def _live_incidents(self) -> dict[int, Incident]:
        if self._live_cache is None:
            path = self._store.path
            self._live_cache = {
                doc.doc_id: decode_incident(path, str(doc.doc_id), dict(doc))
                for doc in self._live.incidents.all()
            }
        return self._live_cache

    def unclosed(self) -> list[Incident]:
        return sorted(self._live_incidents().values(), key=lambda i: i.id)

    def unclosed_by_fingerprint(self) -> dict[str, Incident]:
        return {i.fingerprint: i for i in self._live_incidents().values()}

    def get(self, incident_id: int) -> Incident:
        live = self._live_incidents()
        if incident_id in live:
            return live[incident_id]
        if incident_id in self._where:
            path = self._where[incident_id]
            return decode_incident(
                path, str(incident_id), self._archive(path).records()[str(incident_id)]
            )
        month = self._archived_where(incident_id)
        if month is not None:
            path = self._store.archive_path(month)
            record = self._archive(path).records().get(str(incident_id))
            if record is not None:
                self._where[incident_id] = path
                return decode_incident(path, str(incident_id), record)
        raise NotFound(incident_id)

    def _archived_where(self, incident_id: int) -> str | None:
        """The archive key the summaries place `incident_id` in, from one read of their headers."""
        if self._runs is None:
            runs = [
                (first, last, header.month)
                for header in self._store.summaries.headers()
                for first, last in header.ids
            ]
            runs.sort()
            self._runs = runs
            self._run_starts = [r[0] for r in runs]
            self._reach = list(itertools.accumulate((r[1] for r in runs), max))
        at = bisect.bisect_right(self._run_starts, incident_id) - 1
        # Runs of different archives rarely overlap; the running maximum of their ends says
        # when no earlier run can reach this id.
        while at >= 0 and self._reach[at] >= incident_id:
            first, last, key = self._runs[at]
            if first <= incident_id <= last:
                return key
            at -= 1
        return None

    # --- ids -----------------------------------------------------------------------------------

    def _meta(self) -> dict[str, Any]:
        return read_meta(self._live.db)

    def next_id(self) -> int:
        """A fresh id, never handed out before by any process, even across archives."""
        meta = self._meta()
        if "next_id" in meta:
            candidate = int(meta["next_id"])
        else:
            candidate = 1 + max(self._all_known_ids(), default=0)
        candidate = max(candidate, 1 + max(self._live_incidents(), default=0))
        candidate = max(candidate, self._store.highest_id + 1)
        self._store.highest_id = candidate
        self._write_meta(next_id=candidate + 1)
        return candidate

    def _all_known_ids(self) -> Iterator[int]:
        yield from self._live_incidents()
        yield from (header.max_id for header in self._store.summaries.headers())

    def _write_meta(self, **values: Any) -> None:
        write_meta(self._live.db, **values)

    # --- writing -------------------------------------------------------------------------------

    def put(self, incident: Incident) -> None:
        """Store the incident where its state belongs: live while unclosed, else its archive."""
        record = incident_to_dict(incident)
        self._store.highest_id = max(self._store.highest_id, incident.id)
        previous_archive = self._where.get(incident.id)
        live = self._live_incidents()
        if previous_archive is None and incident.id not in live:
            # Archived before and put without being read: find it, so it is moved, not copied.
            key = self._archived_where(incident.id)
            if (
                key is not None
                and str(incident.id) in self._archive(self._store.archive_path(key)).records()
            ):
                previous_archive = self._where[incident.id] = self._store.archive_path(key)
        if incident.state is State.CLOSED:
            month = incident.closed_at.strftime("%Y-%m")  # type: ignore[union-attr]
            if previous_archive is not None and self._month(previous_archive) == month:
                target = previous_archive  # changed where it lies: it stays there
            else:
                target = self._open_part(month)
            archive = self._archive(target)
            if previous_archive is None and archive.can_append(incident.id):
                archive.append(incident.id, record)
            else:
                archive.put(incident.id, record)
            archive.changed[incident.id] = summary_row(record, incident)
            archive.gained = True
            self._where[incident.id] = target
            if incident.id in live:
                self._live.drop(incident.id)
                del live[incident.id]
            if previous_archive is not None and previous_archive != target:
                self._drop_from_archive(previous_archive, incident.id)
        else:
            self._live.put(incident.id, record)
            live[incident.id] = incident
            if previous_archive is not None:
                self._drop_from_archive(previous_archive, incident.id)
                del self._where[incident.id]

    def _month(self, path: Path) -> str:
        return self._store.month_of_archive(path)[:7]

    def _open_part(self, month: str) -> Path:
        """The archive of `month` that takes newly closed incidents: its latest part, or a new
        one once that holds PART_SIZE, so rewriting one part (a reopen, a late note) stays
        cheap however busy the month was."""
        path = self._parts.get(month)
        if path is None:
            keys = [k for k in self._store.archive_months() if k[:7] == month]
            path = self._store.archive_path(keys[0] if keys else month)
        if self._open_to_add(path).count() >= PART_SIZE:
            path = self._store.archive_path(f"{month}-p{self._part_number(path) + 1}")
            self._open_to_add(path)
        self._parts[month] = path
        return path

    def _part_number(self, path: Path) -> int:
        key = self._store.month_of_archive(path)
        return int(key.split("-p", 1)[1]) if "-p" in key else 1

    def _drop_from_archive(self, path: Path, incident_id: int) -> None:
        archive = self._archive(path)
        record = archive.drop(incident_id)
        if record is not None:
            archive.removed[incident_id] = record
            archive.changed[incident_id] = None

    # --- commit --------------------------------------------------------------------------------

    def commit(self) -> bool:
        """Write what changed; False when there was nothing to write."""
        archives = self._archives.values()
        if not (self._live.storage.dirty or any(a.storage.dirty or a.appended for a in archives)):
            return False
        # Gains first (with this transaction's removals still in place), then the live file,
        # then the removals: every incident exists in at least one file at every moment. Each
        # group's renames are made durable together, before the next group is written.
        gained = False
        for archive in self._archives.values():
            if archive.gained and archive.removed:
                data = _with_restored(archive.storage.read() or {}, archive.removed)
                write_json_atomic(archive.storage.path, data, sync_directory=False)
                gained = True
            elif archive.gained and archive.appended:
                archive.commit_appended()
                gained = True
            elif archive.gained:
                gained = gained or archive.storage.dirty
                archive.storage.commit(sync_directory=False)
        if gained:
            sync_directory_of(self._store.path)
        bump_revision(self._live.db)
        self._live.storage.commit()
        written = [(p, a) for p, a in self._archives.items() if a.storage.dirty or a.gained]
        removed = False
        for archive in self._archives.values():
            removed = removed or archive.storage.dirty
            archive.storage.commit(sync_directory=False)
        if removed:
            sync_directory_of(self._store.path)
        # Summaries last: a crash before this leaves them naming an older archive revision,
        # which reads as stale and is rebuilt from the archive.
        summaries = self._store.summaries
        for path, archive in written:
            key = self._store.month_of_archive(path)
            # A spliced part only gained (any other change reads it, which ends appending),
            # so every change is a row to add.
            if archive.spliced and summaries.after_append(key, archive.header, archive.changed):
                continue
            summaries.after_commit(key, archive.revision, archive.changed, archive.records)
        return True


def _with_restored(data: dict[str, Any], removed: dict[int, dict[str, Any]]) -> dict[str, Any]:
    table = dict(data.get(INCIDENTS, {}))
    for incident_id, record in removed.items():
        table.setdefault(str(incident_id), record)
    return {**data, INCIDENTS: table}
