"""Operators' silences on disk, in their own small TinyDB file beside the incidents database.

Layout of the file (e.g. `silences.json`, its lock `silences.json.lock` beside it):
    {"silences": {"<id>": <silence_to_dict record>, ...}, "meta": {"1": {"next_id": N, ...}}}

Silences live apart from incidents so that muting never rewrites the incidents file and the
engine can poll the two for changes independently. The file is written the same way as the
incidents file (temporary file, fsync, os.replace; mode 0600) under the same kind of
cross-process lock, so the CLI can add or expire a silence while an engine is running. Reads take
no lock: the file is only ever replaced whole.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from onwatch.incidents.silences import Silence, new_silence, silence_from_dict, silence_to_dict
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

SILENCES = "silences"


class SilenceNotFound(StoreError, LookupError):
    def __init__(self, silence_id: int) -> None:
        self.silence_id = silence_id
        super().__init__(f"no silence {silence_id}")


def _decode(path: Path, doc_id: str, record: Any) -> Silence:
    try:
        return silence_from_dict(record)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # InvalidInput is a ValueError: a record the domain refuses is a damaged file, not
        # a usage error of whoever happens to read it.
        raise StoreError(f"{path}: silence record {doc_id} is not readable ({exc!r})") from None


def _silences_in(path: Path, data: Mapping[str, Any] | None) -> dict[int, Silence]:
    return records_in(
        path,
        data,
        SILENCES,
        _decode,
        what="an onwatch silences file",
        record="silence",
        required=True,
    )


@dataclass
class _Session:
    """The file as read under the write lock; changes reach the disk only on commit."""

    path: Path
    db: TinyDB

    @property
    def storage(self) -> AtomicJSONStorage:
        return self.db.storage  # type: ignore[return-value]

    @property
    def table(self) -> Table:
        return self.db.table(SILENCES, cache_size=0)

    def silences(self) -> dict[int, Silence]:
        return _silences_in(self.path, self.storage.read())

    def meta(self) -> dict[str, Any]:
        return read_meta(self.db)

    def put(self, silence: Silence) -> None:
        self.table.upsert(Document(silence_to_dict(silence), doc_id=silence.id))

    def next_id(self) -> int:
        # The counter outlives pruned silences, so an id once shown to an operator never
        # comes back meaning something else; the max() covers a file whose meta was lost.
        known = self.silences()
        candidate = max(int(self.meta().get("next_id", 1)), 1 + max(known, default=0))
        self.write_meta(next_id=candidate + 1)
        return candidate

    def write_meta(self, **values: Any) -> None:
        write_meta(self.db, **values)


class SilenceStore(TinyDBFile):
    """The silences file at `path` (e.g. `<db dir>/silences.json`)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self.remove_orphans()
        self.list()  # refuse a file that is not ours now, before anything tries to write

    # --- reads ---------------------------------------------------------------------------------

    def _read(self) -> dict[int, Silence]:
        return _silences_in(self.path, read_json(self.path))

    def list(self) -> list[Silence]:
        """Every silence kept, ended or not, by id."""
        return sorted(self._read().values(), key=lambda s: s.id)

    def active(self, now: datetime) -> list[Silence]:
        """The silences muting at `now`, by id."""
        return [s for s in self.list() if s.is_active(now)]

    def get(self, silence_id: int) -> Silence:
        found = self._read().get(silence_id)
        if found is None:
            raise SilenceNotFound(silence_id)
        return found

    # --- writes --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _session(self) -> Iterator[_Session]:
        with self.lock:
            session = _Session(self.path, open_db(self.path))
            session.silences()  # fail here, naming the file, rather than overwrite a stranger's
            yield session  # an exception skips the commit: nothing is written
            if session.storage.dirty:
                bump_revision(session.db)
                session.storage.commit()

    def add(
        self,
        matchers: Mapping[str, str],
        *,
        at: datetime,
        duration: timedelta,
        reason: str,
        created_by: str,
    ) -> Silence:
        """A new silence from `at` for `duration`; InvalidInput when the domain refuses it."""
        with self._session() as session:
            silence = new_silence(
                session.next_id(),
                matchers,
                at=at,
                duration=duration,
                reason=reason,
                created_by=created_by,
            )
            session.put(silence)
        return silence

    def expire(self, silence_id: int, *, at: datetime) -> Silence:
        """End a silence at `at`; InvalidInput when it has already ended."""
        with self._session() as session:
            current = session.silences().get(silence_id)
            if current is None:
                raise SilenceNotFound(silence_id)
            expired = current.expire(at)
            session.put(expired)
        return expired

    def prune(self, before: datetime) -> int:
        """Forget silences that stopped muting before `before`; how many were removed."""
        with self._session() as session:
            gone = [s.id for s in session.silences().values() if s.effective_end < before]
            if gone:
                session.table.remove(doc_ids=gone)
        return len(gone)
