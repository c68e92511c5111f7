"""History at scale: one incident's lookup, stats and a page of the list over 100,000 archived.

`python -m bench history [COUNT] [MONTHS]` writes the fixture (bench/history_fixture.py), then
runs each operation in a fresh process (bench/history_worker.py): store time from a timing run,
extra memory from a separate run under tracemalloc. Prints JSON lines and a table.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.history_fixture import PART_SIZE, history, write_store

OPS = ("show", "reopen", "postmortem", "stats", "list")


def _worker(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.history_worker", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(count: int = 100_000, months: int = 24, whole_months: int = 0) -> list[dict[str, Any]]:
    """`whole_months`: 1 writes each month as one file, as onwatch did before archive parts."""
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="onwatch-history-") as tmp:
        db = Path(tmp) / "store" / "incidents.json"
        started = time.perf_counter()
        write_store(db, history(count, months), None if whole_months else PART_SIZE)
        print(json.dumps({"fixture_s": round(time.perf_counter() - started, 1)}), flush=True)
        # The first open of a store written without summaries builds them (an older store's
        # migration); every later command reads them.
        first = _worker("show", str(db), "1")
        first.pop("op")
        results.append({"op": "first open (builds summaries)", **first, "peak_mb": None})
        ids = iter(range(count // 10, count, count // 40))
        for op in OPS:
            runs = [_worker(op, str(db), str(next(ids))) for _ in range(3)]
            memory = _worker(op, str(db), str(next(ids)), "--memory")["peak_mb"]
            results.append(
                {
                    "op": op,
                    "ms": statistics.median(r["ms"] for r in runs),
                    "cpu_ms": statistics.median(r["cpu_ms"] for r in runs),
                    "peak_mb": memory,
                }
            )
        bulk = _worker("bulk", str(Path(tmp) / "bulk" / "incidents.json"), str(count))
        results.append(
            {
                "op": f"bulk build of {count:,} in one transaction",
                "ms": 1000 * bulk["s"],
                "cpu_ms": 1000 * bulk["cpu_s"],
            }
        )
    for row in results:
        print(json.dumps({"history": {"incidents": count, "months": months, **row}}), flush=True)
    layout = "one file a month" if whole_months else f"parts of {PART_SIZE}"
    print(f"\n{count:,} closed incidents over {months} months, archives in {layout}")
    print(f"{'operation':45} {'store time':>12} {'CPU':>12} {'extra memory':>13}")
    for row in results:
        peak = row.get("peak_mb")
        memory = "" if peak is None else f"{peak:.1f} MB"
        print(f"{row['op']:45} {row['ms']:>9.1f} ms {row['cpu_ms']:>9.1f} ms {memory:>13}")
    return results
