"""The in-process console backend's actions: each one an `Operations` call in a thread, by this
console's operator, published to the engine's listeners once it is stored."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from onwatch.engine import api
from onwatch.engine.local_support import guarded
from onwatch.incidents import Change, Incident, Priority, Severity, people
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.silences import Silence

if TYPE_CHECKING:
    from onwatch.engine.core import Engine


class LocalActions:
    """Needs `operator`, `_engine()`, and `_holder` and `_reload` (see `LocalBackend`)."""

    _holder: str | None
    _reload: Callable[[Engine], Awaitable[api.ReloadOutcome]] | None

    @property
    def operator(self) -> str:
        raise NotImplementedError

    def _engine(self) -> Engine:
        raise NotImplementedError

    async def acknowledge(self, incident_id: int, *, note: str = "") -> Incident:
        ops = self._engine().operations
        return await self._act(ops.acknowledge, incident_id, by=self.operator, note=note)

    async def escalate(self, incident_id: int, *, note: str = "") -> Incident:
        ops = self._engine().operations
        return await self._act(ops.escalate, incident_id, by=self.operator, note=note)

    async def close(self, incident_id: int, *, note: str = "") -> Incident:
        ops = self._engine().operations
        return await self._act(ops.close, incident_id, by=self.operator, note=note)

    async def reopen(self, incident_id: int, *, note: str = "") -> Incident:
        ops = self._engine().operations
        return await self._act(ops.reopen, incident_id, by=self.operator, note=note)

    async def note(self, incident_id: int, text: str) -> Incident:
        ops = self._engine().operations
        return await self._act(ops.note, incident_id, text, by=self.operator)

    async def set_priority(
        self, incident_id: int, priority: Priority, *, note: str = ""
    ) -> Incident:
        ops = self._engine().operations
        return await self._act(ops.set_priority, incident_id, priority, by=self.operator, note=note)

    async def silence(
        self, matchers: Mapping[str, str], *, duration: timedelta, reason: str
    ) -> Silence:
        engine = self._engine()
        return await guarded(
            engine.silence(dict(matchers), duration=duration, reason=reason, by=self.operator)
        )

    async def open_report(
        self, title: str, *, severity: Severity, source: str, description: str
    ) -> Incident:
        ops, me = self._engine().operations, self.operator
        return await self._act(
            ops.open_report,
            title,
            severity=Severity(severity),
            source=source.strip() or people.REPORTED_SOURCE,
            description=description,
            reporter=me,
            by=me,
        )

    async def assign(self, incident_id: int, name: str, *, as_: str = "owner") -> Incident:
        ops = self._engine().operations
        role = people.Assignment(as_)
        return await self._act(ops.assign, incident_id, name, as_=role, by=self.operator)

    async def hand_over(self, incident_id: int, role: str, *, note: str = "") -> Incident:
        ops = self._engine().operations
        return await self._act(ops.hand_over, incident_id, role, by=self.operator, note=note)

    async def roles(self) -> Sequence[str]:
        return [role.name for role in self._engine().settings.notify.roles]

    async def notify_test(self) -> Sequence[api.TestOutcome]:
        from onwatch.engine.channel_trial import select_channels, trial

        engine = self._engine()
        channels = select_channels(engine.settings.notify)
        desktop = engine.notifications.desktop
        results = await trial(channels, desktop, self.operator, engine.clock())
        return [api.TestOutcome(r.target, r.ok, r.reason) for r in results]

    async def reload_config(self) -> api.ReloadOutcome:
        engine = self._engine()
        if self._holder is not None:
            # The standby engine runs no check and sends nothing: the config is the holder's.
            raise api.Unavailable(
                "the engine runs in another process "
                f"({self._holder.removeprefix('engine: ')}): reload it there"
            )
        if self._reload is None:
            raise api.Unavailable("this engine was started without a config file to read again")
        return await self._reload(engine)

    async def context(self, incident: Incident) -> IncidentContext:
        ops = self._engine().operations
        return await guarded(asyncio.to_thread(ops.context, incident))

    async def check(self, incident_id: int, number: int, *, undo: bool = False) -> Incident:
        ops = self._engine().operations
        return await self._act(ops.check, incident_id, number, undo=undo, by=self.operator)

    async def review(
        self, incident_id: int, *, root_cause: str | None, actions: Sequence[str]
    ) -> Incident:
        ops = self._engine().operations
        return await self._act(
            ops.review, incident_id, root_cause=root_cause, actions=actions, by=self.operator
        )

    async def postmortem(self, incident_id: int) -> str:
        ops = self._engine().operations
        return await guarded(asyncio.to_thread(ops.postmortem, incident_id))

    async def _act(
        self, method: Callable[..., Change], *args: object, **kwargs: object
    ) -> Incident:
        engine = self._engine()
        change = await guarded(asyncio.to_thread(method, *args, **kwargs))
        engine.publish_change(change)
        return change.incident
