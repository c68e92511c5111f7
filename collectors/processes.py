"""The busiest processes of this host, for the evidence of a cpu or memory incident.

Blocking (it walks the process table, and CPU shares need two readings apart): call it in a
thread, and only when an incident opens, never on every sample.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import psutil

TOP = 5
CPU_SPAN = 0.5
"""Seconds between the two readings a process's CPU share is measured over."""


def _row(proc: psutil.Process, cpu: float | None = None) -> dict[str, Any] | None:
    try:
        with proc.oneshot():
            row: dict[str, Any] = {"pid": proc.pid, "name": proc.name()}
            if cpu is not None:
                row["cpu_percent"] = round(cpu, 1)
            row["rss_bytes"] = proc.memory_info().rss
            row["memory_percent"] = round(proc.memory_percent(), 2)
            return row
    except (psutil.Error, OSError):  # gone, or not ours to read
        return None


def top_processes(by: str, limit: int = TOP, span: float = CPU_SPAN) -> list[dict[str, Any]]:
    """The `limit` processes using the most `by` ("cpu" or "memory"), busiest first."""
    procs = list(psutil.process_iter())
    if by == "cpu":
        for proc in procs:
            with contextlib.suppress(psutil.Error, OSError):
                proc.cpu_percent(None)  # the baseline the second reading is measured from
        time.sleep(span)
        shares: list[tuple[float, psutil.Process]] = []
        for proc in procs:
            try:
                shares.append((proc.cpu_percent(None), proc))
            except (psutil.Error, OSError):
                continue
        shares.sort(key=lambda pair: pair[0], reverse=True)
        rows = (_row(proc, share) for share, proc in shares[: limit * 2])
    else:
        sized: list[tuple[int, psutil.Process]] = []
        for proc in procs:
            try:
                sized.append((proc.memory_info().rss, proc))
            except (psutil.Error, OSError):
                continue
        sized.sort(key=lambda pair: pair[0], reverse=True)
        rows = (_row(proc) for _, proc in sized[: limit * 2])
    return [row for row in rows if row is not None][:limit]
