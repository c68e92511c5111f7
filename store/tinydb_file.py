"""What every onwatch TinyDB file shares: its directory, its lock, its revision and its meta.

Each file lives in a directory only its owner can read (0700), is written whole and atomically
(`storage.AtomicJSONStorage`), is changed only under a cross-process lock beside it
(`<name>.lock`) and carries a `meta` table: the format, a revision bumped by every commit and
whatever counters its store keeps (`next_id`). A file that is not ours is refused by name before
anything writes to it, and temporary files a killed writer left behind are removed on opening.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document

from onwatch.store.errors import StoreError
from onwatch.store.lock import WriteLock
from onwatch.store.storage import (
    DIR_MODE,
    AtomicJSONStorage,
    Revision,
    file_revision,
    remove_orphaned_temp_files,
)

META = "meta"
FORMAT = 1
_META_ID = 1

T = TypeVar("T")


class TinyDBFile:
    """The file at `path` (the live one, for a store that keeps several): set up, not yet read."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        except OSError as exc:
            raise StoreError(
                f"{self.path.parent}: cannot create directory: {exc.strerror}"
            ) from None
        self.lock = WriteLock(self.path.with_name(self.path.name + ".lock"))

    def remove_orphans(self, paths: Iterable[Path] = ()) -> None:
        """Delete what killed writers left beside this file (and `paths`), under the lock."""
        with self.lock:
            for candidate in (self.path, *paths):
                remove_orphaned_temp_files(candidate)

    def revision(self) -> Revision:
        """Changes whenever any process commits a write; cheap enough to poll."""
        return file_revision(self.path)


def open_db(path: Path, data: dict[str, Any] | None = None, *, read: bool = True) -> TinyDB:
    """A TinyDB session on `path`, from `data` when it is known to be the file's content; reads
    it at once so a file that is not ours fails here, naming the file. With `read=False` the
    file is read only when first asked for (an archive part only added to, see
    `store.archive_append`)."""
    db = TinyDB(path, storage=AtomicJSONStorage)
    if data is not None:
        db.storage.preload(data)  # type: ignore[attr-defined]
    if read:
        db.storage.read()
    return db


def records_in(
    path: Path,
    data: Mapping[str, Any] | None,
    table: str,
    decode: Callable[[Path, str, Any], T],
    *,
    what: str,
    record: str,
    required: bool = False,
) -> dict[int, T]:
    """The records of `table` by id, decoded; StoreError when the file is not ours.

    `what` names the file in errors ("an onwatch store"), `record` one of its records
    ("incident"); with `required` a file lacking the table is refused too.
    """
    if data is None:
        return {}
    records = data.get(table) if required else data.get(table, {})
    if not isinstance(records, dict):
        raise StoreError(f"{path}: not {what} (no {table} table)")
    try:
        ids = {doc_id: int(doc_id) for doc_id in records}
    except ValueError:
        raise StoreError(f"{path}: not {what} (bad {record} id)") from None
    return {ids[doc_id]: decode(path, doc_id, record) for doc_id, record in records.items()}


def read_meta(db: TinyDB) -> dict[str, Any]:
    doc = db.table(META, cache_size=0).get(doc_id=_META_ID)
    return dict(doc) if doc is not None else {}


def write_meta(db: TinyDB, **values: Any) -> None:
    meta = read_meta(db) | {"format": FORMAT} | values
    db.table(META, cache_size=0).upsert(Document(meta, doc_id=_META_ID))


def bump_revision(db: TinyDB) -> None:
    """Count one more commit in the file's meta (written with the commit itself)."""
    write_meta(db, revision=int(read_meta(db).get("revision", 0)) + 1)
