"""onwatch's silences in Alertmanager, kept in step with its external incidents.

Acknowledging an external incident creates a silence there for exactly its labels, for an hour;
while the incident stays acknowledged and unresolved the silence is extended every 20 minutes;
when it resolves, closes or goes back to triggered, onwatch expires the silence. The silence id
is stored on the incident. A silence also mutes the resolved notification, so while one is held
onwatch asks Alertmanager every `poll` whether the alert still fires, and resolves the incident
when it has stopped.

The engine's tick drives it (only the lease holder ticks) with the engine's clock; the HTTP calls
run in a task of their own on the loop, one round at a time, and their results reach the store
through the engine's writer. A failure is written once on the incident's timeline and retried
with a growing pause, never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from onwatch.engine.alertmanager_jobs import gone_job, kept_job, resolve_job, trouble_job
from onwatch.engine.writer import Job
from onwatch.incidents import Incident
from onwatch.incidents import external as ext
from onwatch.incidents.timefmt import format_duration, to_iso
from onwatch.notify.alertmanager import AlertmanagerClient, AlertmanagerError

log = logging.getLogger("onwatch.engine")

SILENCE_FOR = timedelta(hours=1)
EXTEND_EVERY = timedelta(minutes=20)
RETRY_PAUSES = tuple(timedelta(seconds=s) for s in (5, 15, 30, 60, 120, 300))
PENDING_FOR = timedelta(minutes=1)
"""How long a write of ours may take to come back before the incident is judged as it is."""
MISSES_TO_RESOLVE = 2
"""Polls in a row that find the alert no longer firing before the incident resolves: an
Alertmanager that just restarted has no alerts until Prometheus sends them again."""


@dataclass
class _Trouble:
    failures: int
    retry_at: datetime
    since: datetime


class SilenceSync:
    def __init__(
        self,
        client: AlertmanagerClient,
        submit: Callable[[Job], None],
        *,
        poll: timedelta,
    ) -> None:
        self.client = client
        self.submit = submit
        self.poll = poll
        self._held: dict[int, str] = {}
        """Incident id -> the silence onwatch holds for it, as last seen on the incident; an
        incident that closes leaves the open set, and this is how its silence is found."""
        self._extended: dict[int, datetime] = {}
        self._trouble: dict[int, _Trouble] = {}
        self._misses: dict[int, int] = {}
        self._pending: dict[int, tuple[str | None, datetime]] = {}
        """Incident id -> the silence id this process submitted for it and when, until the
        incident comes back from the store with it."""
        self._polled_at: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    # --- planning, on the engine's tick ----------------------------------------------------------

    def tick(self, now: datetime, incidents: Mapping[int, Incident]) -> None:
        """Start a round of calls when something is due and none is under way."""
        if self._task is not None and not self._task.done():
            return
        work = self._plan(now, incidents)
        if work:
            self._task = asyncio.create_task(self._run(work, now), name="alertmanager silences")

    def _due(self, incident_id: int, now: datetime) -> bool:
        trouble = self._trouble.get(incident_id)
        return trouble is None or now >= trouble.retry_at

    def _plan(self, now: datetime, incidents: Mapping[int, Incident]) -> list[tuple]:
        waiting = set()
        for incident in incidents.values():
            pending = self._pending.get(incident.id)
            if pending is not None:
                expected, since = pending
                if incident.alertmanager_silence == expected or now - since > PENDING_FOR:
                    del self._pending[incident.id]
                else:
                    waiting.add(incident.id)  # what this process wrote has not come back yet
                    continue
            if incident.alertmanager_silence:
                self._held[incident.id] = incident.alertmanager_silence
            else:
                self._held.pop(incident.id, None)
        work: list[tuple] = []
        watched: list[Incident] = []
        for incident_id, silence_id in list(self._held.items()):
            if incident_id in waiting:
                continue
            incident = incidents.get(incident_id)  # None: closed since
            if incident is not None and ext.wants_silence(incident):
                watched.append(incident)
                last = self._extended.get(incident_id)
                if (last is None or now - last >= EXTEND_EVERY) and self._due(incident_id, now):
                    work.append(("extend", incident, silence_id))
            elif self._due(incident_id, now):
                work.append(("expire", incident_id, silence_id))
        for incident in incidents.values():
            if (
                ext.wants_silence(incident)
                and not incident.alertmanager_silence
                and incident.id not in waiting
                and self._due(incident.id, now)
            ):
                work.append(("create", incident))
        if watched and (self._polled_at is None or now - self._polled_at >= self.poll):
            work.append(("poll", watched))
        known = incidents.keys() | self._held.keys()
        for memory in (self._extended, self._trouble, self._misses, self._pending):
            for gone in memory.keys() - known:
                del memory[gone]  # closed and nothing left to do for it
        return work

    # --- the calls, in a task ------------------------------------------------------------------

    async def _run(self, work: list[tuple], now: datetime) -> None:
        for item in work:
            try:
                await self._do(item, now)
            except AlertmanagerError as exc:
                self._failed(item, now, str(exc))
            except Exception:
                # A bug must not end the round for every other incident, nor the engine.
                log.exception("alertmanager silence sync failed")

    async def _do(self, item: tuple, now: datetime) -> None:
        kind = item[0]
        if kind == "create":
            incident: Incident = item[1]
            silence_id = await self.client.put_silence(
                incident.labels,
                starts_at=now,
                ends_at=now + SILENCE_FOR,
                comment=ext.silence_comment(incident),
            )
            note = (
                f"silenced in Alertmanager until {_clock(now + SILENCE_FOR)} (silence {silence_id})"
            )
            self._kept(incident.id, silence_id, now, note, replaces=None)
        elif kind == "extend":
            incident, silence_id = item[1], item[2]
            found = await self.client.silence(silence_id)
            if found is not None and found.state == "active":
                # Same matchers and start: Alertmanager then updates the silence in place.
                new_id = await self.client.put_silence(
                    incident.labels,
                    starts_at=found.starts_at,
                    ends_at=now + SILENCE_FOR,
                    comment=ext.silence_comment(incident),
                    silence_id=silence_id,
                )
                note = f"Alertmanager replaced silence {silence_id} with {new_id}"
            else:
                new_id = await self.client.put_silence(
                    incident.labels,
                    starts_at=now,
                    ends_at=now + SILENCE_FOR,
                    comment=ext.silence_comment(incident),
                )
                note = f"Alertmanager silence {silence_id} had ended; silenced again ({new_id})"
            self._kept(incident.id, new_id, now, note, replaces=silence_id)
        elif kind == "expire":
            incident_id, silence_id = item[1], item[2]
            await self.client.expire(silence_id)
            failures = self._recovered(incident_id)
            self._held.pop(incident_id, None)
            self._extended.pop(incident_id, None)
            self._pending[incident_id] = (None, now)
            self.submit(gone_job(incident_id, silence_id, now, _after(failures)))
        elif kind == "poll":
            watched: list[Incident] = item[1]
            muting = await self.client.muting_silences()
            self._polled_at = now
            for incident in watched:
                if incident.alertmanager_silence in muting:
                    self._misses.pop(incident.id, None)
                    continue
                misses = self._misses.get(incident.id, 0) + 1
                self._misses[incident.id] = misses
                if misses >= MISSES_TO_RESOLVE:
                    self._misses.pop(incident.id, None)
                    self.submit(resolve_job(incident.id, incident.alertmanager_silence or "", now))

    def _kept(
        self, incident_id: int, silence_id: str, now: datetime, note: str, *, replaces: str | None
    ) -> None:
        failures = self._recovered(incident_id)
        self._extended[incident_id] = now
        self._held[incident_id] = silence_id
        if silence_id == replaces and not failures:
            return  # extended in place: nothing new to record
        self._pending[incident_id] = (silence_id, now)
        self.submit(kept_job(incident_id, silence_id, now, note + _after(failures)))

    def _recovered(self, incident_id: int) -> int:
        trouble = self._trouble.pop(incident_id, None)
        return trouble.failures if trouble else 0

    def _failed(self, item: tuple, now: datetime, error: str) -> None:
        kind = item[0]
        if kind == "poll":
            self._polled_at = now  # asked again at the next poll; nothing to record per incident
            log.warning("could not ask Alertmanager for silenced alerts: %s", error)
            return
        incident_id = item[1].id if isinstance(item[1], Incident) else item[1]
        trouble = self._trouble.get(incident_id)
        failures = trouble.failures + 1 if trouble else 1
        pause = RETRY_PAUSES[min(failures, len(RETRY_PAUSES)) - 1]
        since = trouble.since if trouble else now
        if kind == "expire" and now - since >= SILENCE_FOR:
            # By now the silence has ended by itself (it is never set for longer).
            self._trouble.pop(incident_id, None)
            self._held.pop(incident_id, None)
            log.warning("gave up expiring Alertmanager silence %s: %s", item[2], error)
            return
        self._trouble[incident_id] = _Trouble(failures, now + pause, since)
        if failures == 1:
            # Once per streak: a dead Alertmanager must not grow every timeline by the minute.
            action = {"create": "create", "extend": "extend", "expire": "expire"}[kind]
            note = (
                f"could not {action} the Alertmanager silence (retrying, next in "
                f"{format_duration(pause)}): {error}"
            )
            self.submit(trouble_job(incident_id, now, note))

    async def wait_idle(self) -> None:
        """Wait for the round under way, if any (tests, shutdown)."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._task)

    async def aclose(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.aclose()


def _after(failures: int) -> str:
    if not failures:
        return ""
    return f", after {failures} failed attempt{'s' if failures > 1 else ''}"


def _clock(at: datetime) -> str:
    return to_iso(at)[11:16] + " UTC"
