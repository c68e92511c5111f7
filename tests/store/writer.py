"""A separate process that hammers a store: used by the crash and concurrency tests.

usage: python writer.py DB NAME COUNT [--progress FILE]
Opens COUNT incidents with fingerprints NAME-0.. and adds a note to each, one transaction per
operation; with --progress, appends each finished step to FILE so the parent knows it is busy.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from onwatch.engine.operations import Operations
from onwatch.engine.recorder import record
from onwatch.incidents import Breach, Category, Severity
from onwatch.store import IncidentStore


def main() -> None:
    db, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    progress = Path(sys.argv[5]).open("a") if len(sys.argv) > 5 else None  # noqa: SIM115
    store = IncidentStore(db)
    ops = Operations(store, clock=lambda: datetime.now(UTC), operator=name)
    for n in range(count):
        breach = Breach(
            source=name,
            check="load",
            metric=f"m{n}",
            severity=Severity.WARNING,
            category=Category.RESOURCE,
            value=float(n),
            threshold=1.0,
            title=f"{name} {n} " + "x" * 200,
            at=datetime.now(UTC),
        )
        (change,) = record(store, [breach])
        ops.note(change.incident.id, f"note from {name}")
        if n % 5 == 4:
            ops.close(change.incident.id)
        if progress:
            progress.write(f"{n}\n")
            progress.flush()


if __name__ == "__main__":
    main()
