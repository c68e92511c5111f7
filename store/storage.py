"""A TinyDB storage that never leaves a half-written file behind.

TinyDB's stock JSONStorage truncates and rewrites the file in place, so a crash mid-write
leaves it unreadable. Here every write goes to a temporary file in the same directory, is
fsynced, and replaces the old file with os.replace(), which is atomic on POSIX: readers and
survivors of a crash see the previous state or the next one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from onwatch.store.errors import StoreError

FILE_MODE = 0o600
DIR_MODE = 0o700
_TEMP_MARK = ".tmp-"


def temp_prefix(path: Path) -> str:
    return f".{path.name}{_TEMP_MARK}"


def read_json(path: Path) -> dict[str, Any] | None:
    """The file's content, None when it does not exist; StoreError when it is not ours."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not raw.strip():
        # An empty file can only come from something else truncating it; refuse to guess.
        raise StoreError(
            f"{path}: file is empty, not an onwatch store; move it away to start afresh"
        )
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(
            f"{path}: not an onwatch store (invalid JSON: {exc}); move it away to start afresh"
        ) from None
    if not isinstance(data, dict):
        raise StoreError(f"{path}: not an onwatch store (top level is not an object)")
    return data


def write_json_atomic(path: Path, data: dict[str, Any], *, sync_directory: bool = True) -> None:
    """Write `data` to `path` so that a crash leaves either the old or the new file."""
    write_bytes_atomic(path, orjson.dumps(data), sync_directory=sync_directory)


def write_bytes_atomic(
    path: Path, payload: bytes, *, sync: bool = True, sync_directory: bool = True
) -> None:
    """Replace `path` with `payload`: a crash leaves either the old or the new file.

    `sync_directory=False` leaves making the rename durable to the caller (`sync_directory`),
    which can then do it once for several files. `sync=False` skips flushing the data too:
    only for files rebuilt from others when found damaged (the archive summaries)."""
    temp = path.with_name(f"{temp_prefix(path)}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        # Named for the file being written, not the temporary one (a read-only store, say).
        raise type(exc)(exc.errno, f"cannot write: {exc.strerror}", str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if sync and sync_directory:
        sync_directory_of(path)


def sync_directory_of(path: Path) -> None:
    """Make the renames done in `path`'s directory durable."""
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable: without it a power cut can bring back the old name.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_orphaned_temp_files(path: Path) -> int:
    """Delete temporary files a killed writer left next to `path`; call under the write lock."""
    removed = 0
    for orphan in path.parent.glob(f"{temp_prefix(path)}*"):
        # One a read-only store cannot remove stays: nothing reads it.
        with contextlib.suppress(OSError):
            orphan.unlink()
            removed += 1
    return removed


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file, read once and written once per session.

    TinyDB calls read() and write() on every operation; a session instead keeps the document
    in memory and `commit()` writes it atomically, so a transaction of many operations costs
    one read and at most one write. Nothing reaches the disk unless `commit()` is called, so
    an exception inside a transaction leaves the file untouched.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data: dict[str, Any] | None = None
        self._loaded = False
        self.dirty = False

    def preload(self, data: dict[str, Any]) -> None:
        """Start from `data`, known to be the file's current content, instead of reading it."""
        self._data = data
        self._loaded = True

    @property
    def loaded(self) -> bool:
        """Whether the document is in memory (read, preloaded or written)."""
        return self._loaded

    def read(self) -> dict[str, Any] | None:
        if not self._loaded:
            self._data = read_json(self.path)
            self._loaded = True
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        self._loaded = True
        self.dirty = True

    def commit(self, *, sync_directory: bool = True) -> None:
        if self.dirty and self._data is not None:
            write_json_atomic(self.path, self._data, sync_directory=sync_directory)
            self.dirty = False

    def close(self) -> None:
        """Closing drops uncommitted changes: only commit() writes."""


Revision = tuple[int, int, int]


def file_revision(path: Path) -> Revision:
    """A token that changes whenever any process replaces the file; cheap enough to poll.

    Every write replaces the file, so the inode alone changes; mtime and size guard against a
    file system that recycles inode numbers at once. (0, 0, 0) when there is no file.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)
