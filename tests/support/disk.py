"""A folder whose disk can be made to refuse writes: a small tmpfs filled up when running as
root (a real ENOSPC), a folder made read-only otherwise."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


class Disk:
    def __init__(self, path: Path, mounted: bool) -> None:
        self.path = path
        self.mounted = mounted
        self._filler = path / "filler"

    def fill(self) -> None:
        """From now on every write in the folder fails."""
        if not self.mounted:
            self.path.chmod(0o500)
            return
        with contextlib.suppress(OSError), self._filler.open("wb", buffering=0) as out:
            while True:
                out.write(b"\0" * 65536)

    def read_only(self) -> None:
        """From now on the folder refuses writes as a read-only mount would (EROFS as root)."""
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)
        else:
            self.path.chmod(0o500)

    def writable(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)
        else:
            self.path.chmod(0o700)

    def free(self) -> None:
        if self.mounted:
            self._filler.unlink(missing_ok=True)
        else:
            self.path.chmod(0o700)


def _mount_tmpfs(path: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@contextlib.contextmanager
def small_disk(path: Path, size: str = "2m") -> Iterator[Disk]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = _mount_tmpfs(path, size)
    disk = Disk(path, mounted)
    try:
        yield disk
    finally:
        disk.free()
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)
