"""One file open in a transaction, and what a transaction hands the next one (see `transaction`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from onwatch.incidents import Incident
from onwatch.incidents.codec import incident_from_dict
from onwatch.store.errors import StoreError
from onwatch.store.storage import AtomicJSONStorage, Revision

INCIDENTS = "incidents"


def decode_incident(path: Path, doc_id: str, record: Any) -> Incident:
    try:
        return incident_from_dict(record)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{path}: incident record {doc_id} is not readable ({exc!r})") from None


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
        return table

    def put(self, incident_id: int, record: dict[str, Any]) -> None:
        self.records()[str(incident_id)] = record
        self.storage.dirty = True

    def drop(self, incident_id: int) -> dict[str, Any] | None:
        found = self.records().pop(str(incident_id), None)
        if found is not None:
            self.storage.dirty = True
        return found
