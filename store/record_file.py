"""A small file of numbered records (silences, changes): read, changed and committed under the
file's write lock, with ids from a counter that outlives the records it numbered."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from tinydb import TinyDB
from tinydb.table import Document, Table

from onwatch.store.storage import AtomicJSONStorage
from onwatch.store.tinydb_file import TinyDBFile, bump_revision, open_db, read_meta, write_meta

R = TypeVar("R")
S = TypeVar("S", bound="RecordSession[Any]")


@dataclass
class RecordSession(Generic[R]):
    """The file as read under the write lock; changes reach the disk only on commit."""

    TABLE: ClassVar[str]

    path: Path
    db: TinyDB

    @property
    def storage(self) -> AtomicJSONStorage:
        return self.db.storage  # type: ignore[return-value]

    @property
    def table(self) -> Table:
        return self.db.table(self.TABLE, cache_size=0)

    def records(self) -> dict[int, R]:
        """The records by id; StoreError naming the file when it is not ours."""
        raise NotImplementedError

    def meta(self) -> dict[str, Any]:
        return read_meta(self.db)

    def write_meta(self, **values: Any) -> None:
        write_meta(self.db, **values)

    def next_id(self) -> int:
        # The counter outlives pruned records, so an id once shown to someone never comes back
        # meaning something else; the max() covers a file whose meta was lost.
        candidate = max(int(self.meta().get("next_id", 1)), 1 + max(self.records(), default=0))
        self.write_meta(next_id=candidate + 1)
        return candidate

    def put_record(self, record_id: int, data: dict[str, Any]) -> None:
        self.table.upsert(Document(data, doc_id=record_id))


class RecordFile(TinyDBFile):
    """A TinyDB file of one kind of record, changed through `session`."""

    @contextlib.contextmanager
    def session(self, kind: type[S]) -> Iterator[S]:
        with self.lock:
            session = kind(self.path, open_db(self.path))
            session.records()  # fail here, naming the file, rather than overwrite a stranger's
            yield session  # an exception skips the commit: nothing is written
            if session.storage.dirty:
                bump_revision(session.db)
                session.storage.commit()
