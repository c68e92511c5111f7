"""Incidents on disk: a small live file of unclosed incidents, closed ones archived by month.

Layout, next to the live file `incidents.json`:
    incidents.json                 unclosed incidents + the id counter (TinyDB tables)
    incidents-archive-2026-11.json incidents closed in November 2026
    incidents.json.lock            the cross-process write lock

Reads take no lock (files are only ever replaced whole). Writes run in a transaction under the
lock: the files are read fresh, changed in memory and written back once each. When a change
moves an incident between files, the file gaining it is written before the file losing it, so a
crash in between leaves two copies (the live one wins) rather than none.
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onwatch.incidents import Incident, State
from onwatch.incidents.codec import incident_from_dict, incident_to_dict
from onwatch.store.errors import NotFound, StoreError
from onwatch.store.lock import WriteLock
from onwatch.store.storage import (
    DIR_MODE,
    AtomicJSONStorage,
    Revision,
    file_revision,
    read_json,
    remove_orphaned_temp_files,
    write_json_atomic,
)
from tinydb import TinyDB
from tinydb.table import Document, Table

INCIDENTS = "incidents"
META = "meta"
FORMAT = 1
_META_ID = 1


def _decode(path: Path, doc_id: str, record: Any) -> Incident:
    try:
        return incident_from_dict(record)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{path}: incident record {doc_id} is not readable ({exc!r})") from None


def _incidents_in(path: Path) -> dict[int, Incident]:
    data = read_json(path)
    if data is None:
        return {}
    table = data.get(INCIDENTS, {})
    if not isinstance(table, dict):
        raise StoreError(f"{path}: not an onwatch store (no incidents table)")
    return {int(doc_id): _decode(path, doc_id, record) for doc_id, record in table.items()}


class IncidentStore:
    """The incidents database at `path` (the live file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._archive_re = re.compile(
            re.escape(self.path.stem)
            + r"-archive-(\d{4})-(\d{2})"
            + re.escape(self.path.suffix)
            + "$"
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        except OSError as exc:
            raise StoreError(
                f"{self.path.parent}: cannot create directory: {exc.strerror}"
            ) from None
        self.lock = WriteLock(self.path.with_name(self.path.name + ".lock"))
        # (revision before, revision after) of each write made through this object, in order,
        # so a poller can tell its own writes from another process's.
        self.own_writes: deque[tuple[Revision, Revision]] = deque(maxlen=10_000)
        # The live file as this process last read or wrote it, with its revision: while the
        # file is unchanged, transactions and reads skip re-reading and re-parsing it.
        self._known: _Known | None = None
        with self.lock:
            for candidate in (self.path, *self.archive_paths()):
                remove_orphaned_temp_files(candidate)
        self.unclosed()  # refuse to start on a file that is not ours, before anything writes

    # --- files ---------------------------------------------------------------------------------

    def archive_path(self, month: str) -> Path:
        return self.path.with_name(f"{self.path.stem}-archive-{month}{self.path.suffix}")

    def archive_paths(self) -> list[Path]:
        """Archive files, newest month first."""
        found = [p for p in self.path.parent.iterdir() if self._archive_re.match(p.name)]
        return sorted(found, key=lambda p: p.name, reverse=True)

    def revision(self) -> Revision:
        """Changes whenever any process commits a write; cheap enough to poll."""
        return file_revision(self.path)

    # --- reads ---------------------------------------------------------------------------------

    def _live(self) -> dict[int, Incident]:
        known = self._known
        if known is not None and known.revision == self.revision():
            return known.incidents
        return _incidents_in(self.path)

    def unclosed(self) -> list[Incident]:
        return sorted(self._live().values(), key=lambda i: i.id)

    def archived(self) -> Iterator[Incident]:
        """Closed incidents, newest month first; stale copies left by a crash are skipped."""
        seen = set(self._live())
        for path in self.archive_paths():
            for incident_id, incident in _incidents_in(path).items():
                if incident_id not in seen:
                    seen.add(incident_id)
                    yield incident

    def get(self, incident_id: int) -> Incident:
        live = self._live()
        if incident_id in live:
            return live[incident_id]
        for path in self.archive_paths():
            found = _incidents_in(path).get(incident_id)
            if found is not None:
                return found
        raise NotFound(incident_id)

    def list(self, states: Iterable[State] | None = None) -> list[Incident]:
        wanted = set(states) if states is not None else set(State)
        result = [i for i in self.unclosed() if i.state in wanted]
        if State.CLOSED in wanted:
            result.extend(self.archived())
        return sorted(result, key=lambda i: i.id)

    # --- writes --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Read-modify-write under the cross-process lock; written only if the block succeeds."""
        with self.lock:
            before = self.revision()
            known = (
                self._known if self._known is not None and self._known.revision == before else None
            )
            # Forget it while the transaction runs: TinyDB changes the data in place, and a
            # transaction that fails must not leave a half-changed copy behind.
            self._known = None
            txn = Transaction(self, known)
            yield txn  # an exception here skips the commit: nothing is written
            wrote = txn.commit()
            after = self.revision()
            if wrote:
                self.own_writes.append((before, after))
            self._known = txn.known(after)

    def update(self, incident_id: int, change: Callable[[Incident], Incident]) -> Incident:
        """Apply `change` to the current version of one incident and store the result."""
        with self.transaction() as txn:
            updated = change(txn.get(incident_id))
            txn.put(updated)
        return updated


@dataclass(frozen=True)
class _Known:
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

    def __init__(self, store: IncidentStore, known: _Known | None = None) -> None:
        self._store = store
        self._live = self._open(store.path, known.data if known is not None else None)
        self._archives: dict[Path, _File] = {}
        self._where: dict[int, Path] = {}  # archive holding an incident read in this transaction
        self._live_cache: dict[int, Incident] | None = (
            dict(known.incidents) if known is not None else None
        )

    def _open(self, path: Path, data: dict[str, Any] | None = None) -> _File:
        db = TinyDB(path, storage=AtomicJSONStorage)
        if data is not None:
            db.storage.preload(data)  # type: ignore[attr-defined]
        db.storage.read()  # fail now, naming the file, if it is not ours
        return _File(db)

    def known(self, revision: Revision) -> _Known | None:
        """What this transaction leaves the live file holding, for the next one to start from."""
        data = self._live.storage.read()
        if data is None:
            return None
        return _Known(revision, data, dict(self._live_incidents()))

    def _archive(self, path: Path) -> _File:
        if path not in self._archives:
            self._archives[path] = self._open(path)
        return self._archives[path]

    # --- reading inside the transaction --------------------------------------------------------

    def _live_incidents(self) -> dict[int, Incident]:
        if self._live_cache is None:
            path = self._store.path
            self._live_cache = {
                doc.doc_id: _decode(path, str(doc.doc_id), dict(doc))
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
                return _decode(path, str(incident_id), dict(doc))
        raise NotFound(incident_id)

    # --- ids -----------------------------------------------------------------------------------

    def _meta(self) -> dict[str, Any]:
        doc = self._live.db.table(META, cache_size=0).get(doc_id=_META_ID)
        return dict(doc) if doc is not None else {}

    def next_id(self) -> int:
        """A fresh id, never handed out before by any process, even across archives."""
        meta = self._meta()
        if "next_id" in meta:
            candidate = int(meta["next_id"])
        else:
            candidate = 1 + max(self._all_known_ids(), default=0)
        candidate = max(candidate, 1 + max(self._live_incidents(), default=0))
        self._write_meta(next_id=candidate + 1)
        return candidate

    def _all_known_ids(self) -> Iterator[int]:
        yield from self._live_incidents()
        for path in self._store.archive_paths():
            yield from (doc.doc_id for doc in self._archive(path).incidents.all())

    def _write_meta(self, **values: Any) -> None:
        meta = self._meta() | {"format": FORMAT} | values
        self._live.db.table(META, cache_size=0).upsert(Document(meta, doc_id=_META_ID))

    # --- writing -------------------------------------------------------------------------------

    def put(self, incident: Incident) -> None:
        """Store the incident where its state belongs: live while unclosed, else its archive."""
        record = incident_to_dict(incident)
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
        self._write_meta(revision=int(self._meta().get("revision", 0)) + 1)
        self._live.storage.commit()
        for archive in self._archives.values():
            archive.storage.commit()
        return True


def _with_restored(data: dict[str, Any], removed: dict[int, dict[str, Any]]) -> dict[str, Any]:
    table = dict(data.get(INCIDENTS, {}))
    for incident_id, record in removed.items():
        table.setdefault(str(incident_id), record)
    return {**data, INCIDENTS: table}
