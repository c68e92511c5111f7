"""The engine lease: one process per store runs the checks and sends the notifications.

The lease is an exclusive flock on a side file, held for the life of the process that runs the
engine; the kernel lets go of it when that process ends, however it ends (`kill -9` included),
so a lease can never be left behind by a crash. The file also holds a small record naming the
holder (pid, host, since when) for the others to show.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from onwatch.store.storage import FILE_MODE

MAX_RECORD_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Holder:
    pid: int
    host: str
    since: datetime | None

    def describe(self) -> str:
        if self.since is None:
            return "a process whose lease record cannot be read"
        since = self.since.astimezone()
        when = (
            f"{since:%H:%M}"
            if since.date() == datetime.now().astimezone().date()
            else f"{since:%Y-%m-%d %H:%M}"
        )
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"pid {self.pid}{where}, since {when}"


UNKNOWN = Holder(pid=0, host="", since=None)


def lease_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".engine")


def reload_record_path(store_path: Path) -> Path:
    """Where a process that reloads on SIGHUP keeps its record, beside the engine lease."""
    lease = lease_path(Path(store_path))
    return lease.with_name(lease.name + ".reload")


class EngineLease:
    """`acquire` takes the lease if nobody holds it; `holder` says who does."""

    def __init__(self, store_path: Path) -> None:
        self.path = lease_path(Path(store_path))
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True when this process holds the lease."""
        return self._fd is not None

    def acquire(self, now: datetime) -> bool:
        """Take the lease and write who holds it; False when another process holds it."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        record = {"pid": os.getpid(), "host": socket.gethostname(), "since": now.isoformat()}
        # Written in place under the lock: readers take the record for information only.
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor lets go of the flock

    def holder(self) -> Holder | None:
        """Who holds the lease now (this process included), or None when nobody does."""
        if self._fd is not None:
            return _read(self.path) or UNKNOWN
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return _read(self.path) or UNKNOWN
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None  # a record left by a process that has ended: nobody holds it
        finally:
            os.close(fd)


def _read(path: Path) -> Holder | None:
    """The holder's record; the file is another process's, so every field is checked."""
    try:
        with path.open("rb") as file:
            data = json.loads(file.read(MAX_RECORD_BYTES))
        pid, host, since = data["pid"], data["host"], data["since"]
        if not isinstance(pid, int) or not isinstance(host, str) or not isinstance(since, str):
            return None
        return Holder(pid=pid, host=host[:255], since=datetime.fromisoformat(since))
    except (OSError, ValueError, KeyError, TypeError):
        return None
