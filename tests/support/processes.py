"""onwatch as a subprocess whose output a test waits on, line by line, with a deadline."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.e2e.conftest import ROOT


class Lines:
    """A process's stream read by a thread, so a test can wait for a line with a deadline."""

    def __init__(self, stream) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line)

    def wait(self, needle: str, within: float = 30) -> str:
        for line in self.seen:
            if needle in line:
                return line
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if needle in line:
                return line
        raise AssertionError(f"no line with {needle!r} within {within}s: {self.seen[-10:]}")


def start_onwatch(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> tuple[subprocess.Popen, Lines, Lines]:
    """`python -m onwatch ARGS` with stdout and stderr followed; `env` replaces the
    environment when given (the repository goes on PYTHONPATH either way)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "onwatch", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env={**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)},
    )
    return process, Lines(process.stdout), Lines(process.stderr)
