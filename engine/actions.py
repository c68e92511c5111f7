"""Automated actions: commands a check's incidents run when they open, escalate or resolve.

Only the process holding the engine lease runs them (the engine enables the runner in
`start`), as asyncio subprocesses in a session of their own, so nothing waits on them and a
run past its timeout is killed with everything it started. One run at a time per incident:
what falls due meanwhile waits its turn. The exit code and the first 4 KB of output, secrets
blanked, go on the incident's timeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from onwatch.engine.handled import HandledEntries
from onwatch.engine.specs import Action
from onwatch.incidents import EntryKind, Incident, Severity
from onwatch.incidents.timefmt import format_duration, to_iso
from onwatch.notify.redact import Redactor

log = logging.getLogger("onwatch.engine")

OUTPUT_LIMIT = 4096
KILL_GRACE = 2.0
"""After a kill, how long to wait for the output pipe to close (a grandchild may hold it)."""

Record = Callable[[int, str], None]
"""(incident id, note): an `action` entry for the timeline."""


def events_of(incident: Incident, start: int) -> list[str]:
    """The action events (`ACTION_EVENTS`) the timeline entries from `start` on amount to."""
    events: list[str] = []
    for entry in incident.timeline[start:]:
        if entry.kind in (EntryKind.OPENED, EntryKind.REOPENED):
            events.append("open")
            if incident.severity is Severity.CRITICAL:
                events.append("critical")
            elif incident.severity is Severity.WARNING:
                events.append("warning")
        elif entry.kind == EntryKind.UPGRADED and incident.severity is Severity.CRITICAL:
            events.append("critical")
        elif entry.kind == EntryKind.ESCALATED:
            events.append("escalate")
        elif entry.kind == EntryKind.RESOLVED:
            events.append("resolve")
    return list(dict.fromkeys(events))


def action_env(incident: Incident, event: str) -> dict[str, str]:
    """The incident's fields as ONWATCH_* variables."""
    return {
        "ONWATCH_INCIDENT_ID": str(incident.id),
        "ONWATCH_EVENT": event,
        "ONWATCH_TITLE": incident.title,
        "ONWATCH_SEVERITY": incident.severity.value,
        "ONWATCH_PRIORITY": incident.priority.value,
        "ONWATCH_CATEGORY": incident.category.value,
        "ONWATCH_STATE": incident.state.value,
        "ONWATCH_SOURCE": incident.source,
        "ONWATCH_CHECK": incident.check,
        "ONWATCH_METRIC": incident.metric,
        "ONWATCH_VALUE": "" if incident.value is None else f"{incident.value:g}",
        "ONWATCH_ESCALATION_LEVEL": str(incident.escalation_level),
        "ONWATCH_CREATED_AT": to_iso(incident.created_at),
        "ONWATCH_DRILL": "1" if incident.is_drill else "0",
    }


@dataclass(frozen=True, slots=True)
class _Run:
    action: Action
    event: str
    incident: Incident


class ActionRunner:
    def __init__(
        self,
        actions_for: Callable[[Incident], tuple[Action, ...]],
        record: Record,
        redactor: Redactor | None = None,
    ) -> None:
        self.actions_for = actions_for
        self.record = record
        self.redactor = redactor or Redactor()
        self.enabled = False
        self._handled = HandledEntries()
        self._queues: dict[int, deque[_Run]] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def already_told(self, incidents: Iterable[Incident]) -> None:
        """What the timelines held at start was acted on (or not) by an earlier run."""
        self._handled.already_told(incidents)

    def observe(self, incident: Incident) -> None:
        start = self._handled.take(incident)
        if not self.enabled or start >= len(incident.timeline):
            return
        events = events_of(incident, start)
        if not events:
            return
        for action in self.actions_for(incident):
            if action.on in events and (action.drill or not incident.is_drill):
                self._queues.setdefault(incident.id, deque()).append(
                    _Run(action, action.on, incident)
                )
        if incident.id in self._queues and incident.id not in self._tasks:
            task = asyncio.get_running_loop().create_task(self._drain(incident.id))
            self._tasks[incident.id] = task

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def _drain(self, incident_id: int) -> None:
        queue = self._queues[incident_id]
        try:
            while queue:
                run = queue.popleft()
                try:
                    note = await self._run(run)
                except Exception:  # a bug here must not stop later runs nor the engine
                    log.exception("action for #%d failed", incident_id)
                    note = f"{run.event}: {_command(run.action)}: internal error, see the log"
                self.record(incident_id, self.redactor.redact(note))
        finally:
            self._tasks.pop(incident_id, None)
            if not queue:
                self._queues.pop(incident_id, None)

    async def _run(self, run: _Run) -> str:
        action = run.action
        command = _command(action)
        env = {**os.environ, **action_env(run.incident, run.event)}
        started = time.monotonic()
        try:
            shell = ("/bin/sh", "-c", " ".join(action.run))
            program = shell if action.shell else action.run
            process = await asyncio.create_subprocess_exec(
                *program,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group, killed whole at the timeout
            )
        except OSError as exc:
            return f"{run.event}: {command}: cannot run: {exc.strerror or exc}"
        assert process.stdout is not None
        reading = asyncio.ensure_future(_read_head(process.stdout))
        timeout = action.timeout.total_seconds()
        killed = False
        try:
            async with asyncio.timeout(timeout):
                await process.wait()
        except TimeoutError:
            killed = True
            _kill_group(process.pid)
            await process.wait()
        except asyncio.CancelledError:
            _kill_group(process.pid)
            reading.cancel()
            raise
        try:
            async with asyncio.timeout(KILL_GRACE):
                output = await reading
        except TimeoutError:
            output = b""
        took = format_duration_short(time.monotonic() - started)
        if killed:
            head = (
                f"{run.event}: {command}: killed after {format_duration(action.timeout)} (timeout)"
            )
        else:
            head = f"{run.event}: {command}: exit {process.returncode} after {took}"
        text = output.decode("utf-8", "replace").rstrip()
        return f"{head}\n{text}" if text else head

    async def stop(self) -> None:
        """Kill what is running (at shutdown) and forget what waits."""
        for queue in self._queues.values():
            queue.clear()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def idle(self) -> None:
        """Until no action runs (tests, `settle`)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)


def _command(action: Action) -> str:
    return " ".join(action.run)


def format_duration_short(seconds: float) -> str:
    return f"{seconds:.1f}s" if seconds < 60 else f"{seconds / 60:.1f}m"


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


async def _read_head(stream: asyncio.StreamReader) -> bytes:
    """The first OUTPUT_LIMIT bytes; the rest is read and dropped so the child never blocks."""
    head = bytearray()
    while chunk := await stream.read(65536):
        if len(head) < OUTPUT_LIMIT:
            head += chunk[: OUTPUT_LIMIT - len(head)]
    return bytes(head)
