"""A cross-process write lock: one writer at a time across every onwatch process on the host."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from pathlib import Path
from types import TracebackType

from onwatch.store.storage import FILE_MODE

_REFUSED = (errno.EROFS, errno.EACCES, errno.EPERM)


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as exc:
        if exc.errno not in _REFUSED or not path.exists():
            raise
    # A read-only store (a read-only mount, a folder of someone else's): the flock holds on a
    # descriptor opened for reading too, so reads stay consistent with the writers there may
    # be; a write under it fails on its own, naming the file.
    return os.open(path, os.O_RDONLY)


class WriteLock:
    """An exclusive flock on a side file, re-entrant within one process.

    flock locks belong to the open file description, so the engine's threads share one
    descriptor and serialise among themselves with a thread lock first.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> WriteLock:
        self._thread_lock.acquire()
        try:
            if self._depth == 0:
                fd = _open(self.path)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except BaseException:
                    os.close(fd)
                    raise
                self._fd = fd
            self._depth += 1
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fd, self._fd = self._fd, None
                # Closing the descriptor releases the flock.
                os.close(fd)
        finally:
            self._thread_lock.release()
