"""The threaded console backend's actions: each the in-process backend's own, run on the
engine's loop and answered on the console's (see `engine.engine_thread`)."""

from __future__ import annotations

from collections.abc import Coroutine, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from onwatch.engine import api
from onwatch.incidents import Incident, Priority, Severity
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.silences import Silence

if TYPE_CHECKING:
    from onwatch.engine.local_backend import LocalBackend

T = TypeVar("T")


class ThreadedActions:
    """Needs `_inner` (the in-process backend) and `_call` (runs a coroutine on the engine's
    loop, awaits its answer here)."""

    _inner: LocalBackend

    async def _call(self, work: Coroutine[Any, Any, T]) -> T:
        raise NotImplementedError

    async def closed_incidents(self, limit: int) -> list[Incident]:
        return await self._call(self._inner.closed_incidents(limit))

    async def stats(
        self, since: timedelta | None, *, include_drills: bool = False
    ) -> dict[str, Any]:
        return await self._call(self._inner.stats(since, include_drills=include_drills))

    async def acknowledge(self, incident_id: int, *, note: str = "") -> Incident:
        return await self._call(self._inner.acknowledge(incident_id, note=note))

    async def escalate(self, incident_id: int, *, note: str = "") -> Incident:
        return await self._call(self._inner.escalate(incident_id, note=note))

    async def close(self, incident_id: int, *, note: str = "") -> Incident:
        return await self._call(self._inner.close(incident_id, note=note))

    async def reopen(self, incident_id: int, *, note: str = "") -> Incident:
        return await self._call(self._inner.reopen(incident_id, note=note))

    async def note(self, incident_id: int, text: str) -> Incident:
        return await self._call(self._inner.note(incident_id, text))

    async def set_priority(
        self, incident_id: int, priority: Priority, *, note: str = ""
    ) -> Incident:
        return await self._call(self._inner.set_priority(incident_id, priority, note=note))

    async def silence(
        self, matchers: Mapping[str, str], *, duration: timedelta, reason: str
    ) -> Silence:
        return await self._call(self._inner.silence(matchers, duration=duration, reason=reason))

    async def open_report(
        self, title: str, *, severity: Severity, source: str, description: str
    ) -> Incident:
        return await self._call(
            self._inner.open_report(
                title, severity=severity, source=source, description=description
            )
        )

    async def assign(self, incident_id: int, name: str, *, as_: str = "owner") -> Incident:
        return await self._call(self._inner.assign(incident_id, name, as_=as_))

    async def hand_over(self, incident_id: int, role: str, *, note: str = "") -> Incident:
        return await self._call(self._inner.hand_over(incident_id, role, note=note))

    async def roles(self) -> Sequence[str]:
        return await self._call(self._inner.roles())

    async def notify_test(self) -> Sequence[api.TestOutcome]:
        return await self._call(self._inner.notify_test())

    async def reload_config(self) -> api.ReloadOutcome:
        return await self._call(self._inner.reload_config())

    async def context(self, incident: Incident) -> IncidentContext:
        return await self._call(self._inner.context(incident))

    async def check(self, incident_id: int, number: int, *, undo: bool = False) -> Incident:
        return await self._call(self._inner.check(incident_id, number, undo=undo))

    async def review(
        self, incident_id: int, *, root_cause: str | None, actions: Sequence[str]
    ) -> Incident:
        return await self._call(
            self._inner.review(incident_id, root_cause=root_cause, actions=actions)
        )

    async def postmortem(self, incident_id: int) -> str:
        return await self._call(self._inner.postmortem(incident_id))
