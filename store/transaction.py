"""A read-modify-write of the incidents files under the lock (see `incident_store`).

The transaction reads the live file (or starts from the copy its store last wrote), finds closed
incidents in their monthly archives, and on commit writes each changed file once: gains first,
then the live file, then removals, so every incident exists in some file at every moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from onwatch.incidents import Incident, State
from onwatch.incidents.codec import incident_from_dict, incident_to_dict
from onwatch.store.errors import NotFound, StoreError
from onwatch.store.storage import AtomicJSONStorage, Revision, write_json_atomic
from onwatch.store.tinydb_file import bump_revision, open_db, read_meta, write_meta

if TYPE_CHECKING:
    from onwatch.store.incident_store import IncidentStore

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
class _File:
    """One file open in a transaction: its TinyDB and what the transaction did to it."""

    db: TinyDB
    gained: bool = False
    removed: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def storage(self) -> AtomicJSONStorage:
        return self.db.storage  # type: ignore[return-value]

    @property
    def incidents(self) -> Table:
        return self.db.table(INCIDENTS, cache_size=0)


class Transaction:
    """The store as seen under the write lock. Use through `IncidentStore.transaction()`."""

    def __init__(self, store: IncidentStore, known: Known | None = None) -> None:
        self._store = store
        self._live = self._open(store.path, known.data if known is not None else None)
        self._archives: dict[Path, _File] = {}
        self._where: dict[int, Path] = {}  # archive holding an incident read in this transaction
        self._live_cache: dict[int, Incident] | None = (
            dict(known.incidents) if known is not None else None
        )

    def _open(self, path: Path, data: dict[str, Any] | None = None) -> _File:
        return _File(open_db(path, data))

    def known(self, revision: Revision) -> Known | None:
        """What this transaction leaves the live file holding, for the next one to start from."""
        data = self._live.storage.read()
        if data is None:
            return None
        return Known(revision, data, dict(self._live_incidents()))

    def _archive(self, path: Path) -> _File:
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
        for path in self._store.archive_paths():
            doc = self._archive(path).incidents.get(doc_id=incident_id)
            if doc is not None:
                self._where[incident_id] = path
                return decode_incident(path, str(incident_id), dict(doc))
        raise NotFound(incident_id)

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
        for path in self._store.archive_paths():
            yield from (doc.doc_id for doc in self._archive(path).incidents.all())

    def _write_meta(self, **values: Any) -> None:
        write_meta(self._live.db, **values)

    # --- writing -------------------------------------------------------------------------------

    def put(self, incident: Incident) -> None:
        """Store the incident where its state belongs: live while unclosed, else its archive."""
        record = incident_to_dict(incident)
        self._store.highest_id = max(self._store.highest_id, incident.id)
        previous_archive = self._where.get(incident.id)
        live = self._live_incidents()
        if incident.state is State.CLOSED:
            target = self._store.archive_path(incident.closed_at.strftime("%Y-%m"))  # type: ignore[union-attr]
            archive = self._archive(target)
            archive.incidents.upsert(Document(record, doc_id=incident.id))
            archive.gained = True
            self._where[incident.id] = target
            if incident.id in live:
                self._live.incidents.remove(doc_ids=[incident.id])
                del live[incident.id]
            if previous_archive is not None and previous_archive != target:
                self._drop_from_archive(previous_archive, incident.id)
        else:
            self._live.incidents.upsert(Document(record, doc_id=incident.id))
            live[incident.id] = incident
            if previous_archive is not None:
                self._drop_from_archive(previous_archive, incident.id)
                del self._where[incident.id]

    def _drop_from_archive(self, path: Path, incident_id: int) -> None:
        archive = self._archive(path)
        doc = archive.incidents.get(doc_id=incident_id)
        if doc is not None:
            archive.removed[incident_id] = dict(doc)
            archive.incidents.remove(doc_ids=[incident_id])

    # --- commit --------------------------------------------------------------------------------

    def commit(self) -> bool:
        """Write what changed; False when there was nothing to write."""
        if not (self._live.storage.dirty or any(a.storage.dirty for a in self._archives.values())):
            return False
        # Gains first (with this transaction's removals still in place), then the live file,
        # then the removals: every incident exists in at least one file at every moment.
        for archive in self._archives.values():
            if archive.gained and archive.removed:
                data = _with_restored(archive.storage.read() or {}, archive.removed)
                write_json_atomic(archive.storage.path, data)
            elif archive.gained:
                archive.storage.commit()
        bump_revision(self._live.db)
        self._live.storage.commit()
        for archive in self._archives.values():
            archive.storage.commit()
        return True


def _with_restored(data: dict[str, Any], removed: dict[int, dict[str, Any]]) -> dict[str, Any]:
    table = dict(data.get(INCIDENTS, {}))
    for incident_id, record in removed.items():
        table.setdefault(str(incident_id), record)
    return {**data, INCIDENTS: table}
