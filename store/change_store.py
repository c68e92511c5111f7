"""Recent changes on disk (a deploy, a config edit, a reboot), in their own small TinyDB file
beside the incidents database (`changes.json`), written like every onwatch file: whole and
atomically, under a cross-process lock, so `onwatch change add` can run beside an engine.

Layout: {"changes": {"<id>": <change_to_dict record>, ...},
         "meta": {"1": {"next_id": N, "boot_times": {"<source>": <epoch seconds>}, ...}}}

The meta keeps the last boot time seen of each host, so a reboot is recorded once, by whichever
engine first sees the boot time move.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from onwatch.incidents.changes import (
    REBOOT_TEXT,
    RecordedChange,
    change_from_dict,
    change_to_dict,
    new_change,
    rebooted,
)
from onwatch.store.errors import StoreError
from onwatch.store.storage import AtomicJSONStorage, read_json
from onwatch.store.tinydb_file import (
    TinyDBFile,
    bump_revision,
    open_db,
    read_meta,
    records_in,
    write_meta,
)

CHANGES = "changes"


def _decode(path: Path, doc_id: str, record: Any) -> RecordedChange:
    try:
        return change_from_dict(record)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StoreError(f"{path}: change record {doc_id} is not readable ({exc!r})") from None


def _changes_in(path: Path, data: Mapping[str, Any] | None) -> dict[int, RecordedChange]:
    return records_in(
        path,
        data,
        CHANGES,
        _decode,
        what="an onwatch changes file",
        record="change",
    )


@dataclass
class _Session:
    path: Path
    db: TinyDB

    @property
    def storage(self) -> AtomicJSONStorage:
        return self.db.storage  # type: ignore[return-value]

    @property
    def table(self) -> Table:
        return self.db.table(CHANGES, cache_size=0)

    def changes(self) -> dict[int, RecordedChange]:
        return _changes_in(self.path, self.storage.read())

    def meta(self) -> dict[str, Any]:
        return read_meta(self.db)

    def next_id(self) -> int:
        candidate = max(int(self.meta().get("next_id", 1)), 1 + max(self.changes(), default=0))
        write_meta(self.db, next_id=candidate + 1)
        return candidate

    def put(self, change: RecordedChange) -> None:
        self.table.upsert(Document(change_to_dict(change), doc_id=change.id))


class ChangeStore(TinyDBFile):
    """The changes file at `path` (e.g. `<db dir>/changes.json`)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self.remove_orphans()
        self.list()  # refuse a file that is not ours now, before anything tries to write

    def list(self, since: datetime | None = None) -> list[RecordedChange]:
        """Every change kept (from `since` on, when given), oldest first."""
        found = _changes_in(self.path, read_json(self.path)).values()
        kept = [c for c in found if since is None or c.at >= since]
        return sorted(kept, key=lambda c: (c.at, c.id))

    @contextlib.contextmanager
    def _session(self) -> Iterator[_Session]:
        with self.lock:
            session = _Session(self.path, open_db(self.path))
            session.changes()  # fail here, naming the file, rather than overwrite a stranger's
            yield session  # an exception skips the commit: nothing is written
            if session.storage.dirty:
                bump_revision(session.db)
                session.storage.commit()

    def add(self, text: str, *, at: datetime, source: str = "", by: str) -> RecordedChange:
        """Record a change; InvalidInput when the domain refuses it (nothing is written)."""
        with self._session() as session:
            change = new_change(session.next_id(), text, at=at, source=source, by=by)
            session.put(change)
        return change

    def note_boot(
        self, source: str, boot_time: float, *, at: datetime, by: str
    ) -> RecordedChange | None:
        """Remember `source`'s boot time; when it moved since last seen, record "host
        rebooted" at the boot time and return that change."""
        with self._session() as session:
            meta = session.meta()
            boots = dict(meta.get("boot_times") or {})
            last = boots.get(source)
            last_boot = float(last) if isinstance(last, (int, float)) else None
            if last_boot is not None and abs(boot_time - last_boot) < 1e-6:
                return None
            boots[source] = boot_time
            write_meta(session.db, boot_times=boots)
            if not rebooted(last_boot, boot_time):
                return None
            booted = datetime.fromtimestamp(boot_time, tz=at.tzinfo)
            change = new_change(
                session.next_id(), REBOOT_TEXT, at=min(booted, at), source=source, by=by
            )
            session.put(change)
        return change

    def last_boot(self, source: str) -> float | None:
        data = read_json(self.path) or {}
        meta = (data.get("meta") or {}).get("1") or {}
        value = (meta.get("boot_times") or {}).get(source)
        return float(value) if isinstance(value, (int, float)) else None
