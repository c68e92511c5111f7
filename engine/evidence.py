"""Evidence only the engine can add after an incident opened: the busiest processes of this
host for its cpu and memory incidents, listed in a thread, then written into the incident."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from onwatch.collectors.specs import LocalCheck
from onwatch.engine.specs import Watch
from onwatch.incidents import Change, Event, Incident
from onwatch.incidents.evidence import merged
from onwatch.store import Transaction

log = logging.getLogger("onwatch.engine")

PROCESS_METRICS = frozenset({"cpu", "memory"})
"""Metrics of this host whose incidents show the busiest processes."""


def attach_evidence(
    txn: Transaction, *, incident_id: int, fingerprint: str, extra: dict[str, Any]
) -> list[Change]:
    """Add `extra` to the incident's evidence, unless it has been closed meanwhile."""
    incident = txn.unclosed_by_fingerprint().get(fingerprint)
    if incident is None or incident.id != incident_id:
        return []
    updated = dataclasses.replace(incident, evidence=merged(incident.evidence, extra))
    txn.put(updated)
    return [Change(updated, Event.UPDATED)]


class ProcessEvidence:
    """Lists the busiest processes when a cpu or memory incident of this host opens (never on
    every sample: walking the process table and measuring CPU shares takes half a second)."""

    def __init__(self, watches: Iterable[Watch], submit: Callable[..., None]) -> None:
        self._local = {(w.source, w.name) for w in watches if isinstance(w.probe, LocalCheck)}
        self._submit = submit
        self._pending: set[asyncio.Task[None]] = set()

    def rewatch(self, watches: Iterable[Watch]) -> None:
        """The checks of a reloaded config."""
        self._local = {(w.source, w.name) for w in watches if isinstance(w.probe, LocalCheck)}

    def observe(self, change: Change) -> None:
        incident = change.incident
        if change.event not in (Event.OPENED, Event.REOPENED):
            return
        if incident.metric not in PROCESS_METRICS:
            return
        if (incident.source, incident.check) not in self._local:
            return
        task = asyncio.get_running_loop().create_task(self._capture(incident))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _capture(self, incident: Incident) -> None:
        from onwatch.collectors.processes import top_processes

        try:
            rows = await asyncio.to_thread(top_processes, incident.metric)
        except Exception:
            log.exception("could not list the busiest processes for incident %d", incident.id)
            return
        extra = {"top_processes": rows, "top_processes_by": incident.metric}
        job = functools.partial(
            attach_evidence, incident_id=incident.id, fingerprint=incident.fingerprint, extra=extra
        )
        self._submit(job)

    async def wait(self, within: float) -> None:
        """Let captures under way finish (at shutdown, before the last write)."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=within)
