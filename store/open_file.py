"""One file open in a transaction, and what a transaction hands the next one (see `transaction`)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from onwatch.incidents import Incident
from onwatch.incidents.codec import incident_from_dict
from onwatch.store.archive_append import archive_with
from onwatch.store.errors import unreadable
from onwatch.store.storage import (
    AtomicJSONStorage,
    Revision,
    file_revision,
    write_bytes_atomic,
)
from onwatch.store.summary_format import MonthHeader

INCIDENTS = "incidents"


def decode_incident(path: Path, doc_id: str, record: Any) -> Incident:
    try:
        return incident_from_dict(record)
    except (KeyError, TypeError, ValueError) as exc:
        raise unreadable(path, "incident", doc_id, exc) from None


@dataclass(frozen=True)
class Known:
    revision: Revision
    data: dict[str, Any]
    incidents: dict[int, Incident]


@dataclass
class OpenFile:
    """One file open in a transaction: its TinyDB and what the transaction did to it."""

    db: TinyDB
    gained: bool = False
    removed: dict[int, dict[str, Any]] = field(default_factory=dict)
    revision: Revision = (0, 0, 0)
    """The file's revision when the transaction opened it (the lock is held throughout)."""
    changed: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    """What the transaction put (a summary) or dropped (None), for the month's summary file."""
    header: MonthHeader | None = None
    """For an archive part opened unread to be added to: its summary's header, fresh when
    opened, which says how many it holds and which ids."""
    appended: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Records added without reading the file (see `store.archive_append`); merged into the
    table should the file be read after all."""
    spliced: bool = False
    """Whether the commit wrote `appended` into the file as it was, unread."""

    @property
    def storage(self) -> AtomicJSONStorage:
        return self.db.storage  # type: ignore[return-value]

    @property
    def incidents(self) -> Table:
        return self.db.table(INCIDENTS, cache_size=0)

    def records(self) -> dict[str, Any]:
        """The incidents table as raw records by id text, changed in place by `put` and `drop`.

        TinyDB's own upsert and remove rebuild the whole table for each call; across a
        transaction of many writes that is quadratic, so writes go to the records directly.
        """
        data = self.storage.read()
        if data is None:
            data = {}
            self.storage.preload(data)
        table = data.get(INCIDENTS)
        if not isinstance(table, dict):
            table = data[INCIDENTS] = {}
        if self.appended:
            table.update((str(k), v) for k, v in self.appended.items())
            self.appended.clear()
            self.storage.dirty = True
        return table

    def count(self) -> int:
        """How many incidents the file holds, with this transaction's changes."""
        if self.header is None or self.storage.loaded:
            return len(self.records())
        return self.header.count + len(self.appended)

    def can_append(self, incident_id: int) -> bool:
        """Whether `incident_id` can be added without reading the file: it is open unread, and
        its summary says the id is not in it."""
        return (
            self.header is not None
            and not self.storage.loaded
            and not self.header.holds(incident_id)
        )

    def append(self, incident_id: int, record: dict[str, Any]) -> None:
        self.appended[incident_id] = record

    def commit_appended(self) -> None:
        """Write what was appended: spliced into the file when it is as its header says and in
        the shape onwatch writes, otherwise by reading and rewriting it whole."""
        path = self.storage.path
        raw: bytes | None = None
        if self.header is not None and file_revision(path) == self.header.archive:
            with contextlib.suppress(OSError):
                raw = path.read_bytes()
        spliced = archive_with(raw, self.appended) if raw is not None else None
        if spliced is None:
            self.records()
            self.storage.commit(sync_directory=False)
            return
        write_bytes_atomic(path, spliced, sync_directory=False)
        self.appended.clear()  # in the file now: reading it after this must not add them again
        self.spliced = True

    def put(self, incident_id: int, record: dict[str, Any]) -> None:
        self.records()[str(incident_id)] = record
        self.storage.dirty = True

    def drop(self, incident_id: int) -> dict[str, Any] | None:
        found = self.records().pop(str(incident_id), None)
        if found is not None:
            self.storage.dirty = True
        return found
