"""One history operation in a fresh process: `python -m bench.history_worker OP DB [ID] [--memory]`.

Prints one JSON line: the store time of the operation (wall and CPU: on a shared machine the
CPU time is the steadier figure) (the store already opened, as a
command has it after start-up) and, with --memory, the peak of what it allocated (tracemalloc;
timing runs without it, since tracing slows Python down several times).
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from onwatch.incidents import State, lifecycle
from onwatch.store import IncidentStore


def _show(store: IncidentStore, incident_id: int) -> Any:
    """What `incidents show` reads: the incident, and what fixed it last time."""
    incident = store.get(incident_id)
    return incident, store.similar(incident)


def _reopen(store: IncidentStore, incident_id: int) -> Any:
    at = datetime.now(UTC)
    return store.update(incident_id, lambda i: lifecycle.reopen(i, by="bench", at=at))


def _postmortem(store: IncidentStore, incident_id: int) -> Any:
    """`onwatch postmortem`, whole: the incident, its context (up to three earlier ones of its
    fingerprint, else similar titles) and the Markdown."""
    from onwatch.incidents.checklist import NO_GUIDE, checklist
    from onwatch.incidents.context import IncidentContext
    from onwatch.incidents.postmortem import render_postmortem

    incident = store.get(incident_id)
    context = IncidentContext(
        checklist=tuple(checklist(incident, NO_GUIDE)),
        changes=(),
        precedents=tuple(store.similar(incident)),
    )
    return render_postmortem(incident, context, now=datetime.now(UTC))


def _stats(store: IncidentStore, _: int) -> Any:
    from onwatch.incidents.stats import compute

    now = datetime.now(UTC)
    since = now - timedelta(days=365)
    return compute(store.history_rows(since), since=since, now=now)


def _list_page(store: IncidentStore, _: int) -> Any:
    if hasattr(store, "page"):
        return store.page(None, limit=50)
    return store.list(set(State))  # an onwatch before paging: everything


OPS: dict[str, Callable[[IncidentStore, int], Any]] = {
    "show": _show,
    "reopen": _reopen,
    "postmortem": _postmortem,
    "stats": _stats,
    "list": _list_page,
}


def bulk(db: Path, count: int) -> dict[str, Any]:
    """Build `count` closed incidents in one transaction on a fresh store."""
    from bench.history_fixture import history

    incidents = history(count, 24)
    store = IncidentStore(db)
    started, cpu = time.perf_counter(), time.process_time()
    with store.transaction() as txn:
        for incident in incidents:
            txn.put(incident)
    elapsed = time.perf_counter() - started
    return {
        "op": "bulk",
        "incidents": count,
        "s": round(elapsed, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
    }


def main(argv: list[str]) -> None:
    op, db = argv[0], Path(argv[1])
    if op == "bulk":
        print(json.dumps(bulk(db, int(argv[2]))), flush=True)
        return
    incident_id = int(argv[2]) if len(argv) > 2 and argv[2].isdigit() else 0
    memory = "--memory" in argv
    store = IncidentStore(db)
    if memory:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    OPS[op](store, incident_id)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if memory else None
    print(
        json.dumps(
            {
                "op": op,
                "ms": round(1000 * elapsed, 1),
                "cpu_ms": round(1000 * cpu, 1),
                "peak_mb": None if peak is None else round(peak / 1e6, 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
