"""Watching onwatch itself, mixed into `engine.core.Engine`: automated actions, the heartbeat,
the own-health check and drills."""

from __future__ import annotations

import asyncio
import functools
from datetime import timedelta
from typing import TYPE_CHECKING

from onwatch.engine import own_health
from onwatch.engine.actions import ActionRunner
from onwatch.engine.heartbeat import Heartbeat
from onwatch.engine.paging import role_addresses
from onwatch.engine.specs import Action
from onwatch.engine.timeline_jobs import action_entry_job
from onwatch.incidents import Change, Incident, InvalidInput, Severity
from onwatch.incidents.drills import DRILL_SOURCE
from onwatch.notify.redact import Redactor

if TYPE_CHECKING:
    from onwatch.store import IncidentStore


class WatchingOnwatch:
    """Needs the engine's settings, clock, writer, scheduler, notifications, evaluator, status,
    operations and `publish_change`."""

    def _watch_itself(self, store: IncidentStore) -> None:
        secrets = [c.url for c in self.settings.notify.channels]
        secrets += [c.url for c in role_addresses(self.settings.notify.roles).values()]
        if self.settings.heartbeat is not None:
            secrets.append(self.settings.heartbeat.url)
        self.actions = ActionRunner(
            self._actions_for, self._record_action, Redactor.for_urls(secrets)
        )
        self._watch_actions = {(w.source, w.name): w.actions for w in self.settings.watches}
        self.heartbeat = (
            Heartbeat(self.settings.heartbeat, self.unhealthy) if self.settings.heartbeat else None
        )
        self._own_health = own_health.SelfCheck(
            store_path=store.path,
            scheduler=self._scheduler,
            writer=self._writer,
            dispatcher=self.notifications.dispatcher,
            bounds=self.options.health,
            desktop=self._desktop_problem,
            heartbeat=self.heartbeat,
        )

    async def unhealthy(self) -> str | None:
        """Why the heartbeat must not beat now (None: checks run on time, the store writes)."""
        return await self._own_health.unhealthy()

    async def self_check(self) -> None:
        """Judge onwatch's own health; what is wrong becomes an incident of source `onwatch`."""
        now = self.clock()
        findings = await self._own_health.examine(now)
        decisions = []
        for sample, rule in findings.samples(now):
            decisions.extend(self.evaluator.evaluate(sample, rule))
        self._writer.submit_decisions(decisions)

    async def drill(
        self,
        check: str | None = None,
        *,
        severity: Severity = Severity.CRITICAL,
        lasting: timedelta = timedelta(minutes=10),
        by: str | None = None,
    ) -> Change:
        """Start a drill of a configured check (None: the synthetic `drill` source); InvalidInput
        for a check this engine does not run."""
        source = name = None
        if check is not None:
            found = {watch.name: watch for watch in self.settings.watches}
            watch = found.get(check)
            if watch is None:
                known = ", ".join(found) or "none configured"
                raise InvalidInput(f"no check {check!r} (checks: {known})")
            source, name = watch.source, watch.name
        change = await asyncio.to_thread(
            self.operations.drill,
            source=source,
            check=name,
            severity=severity,
            lasting=lasting,
            by=by,
        )
        self.publish_change(change)
        return change

    def _desktop_problem(self) -> str | None:
        # Only when the config asked for popups: the built-in default promises nothing.
        return self.status.get("desktop") if self.settings.notify.desktop_asked else None

    def _actions_for(self, incident: Incident) -> tuple[Action, ...]:
        found = self._watch_actions.get((incident.source, incident.check))
        if found is not None:
            return found
        # `[defaults] actions` reached every configured check already; of the rest, only the
        # synthetic drill stands for "a check" (own health and reports run nothing).
        return self.settings.default_actions if incident.source == DRILL_SOURCE else ()

    def _record_action(self, incident_id: int, note: str) -> None:
        self._writer.submit(
            functools.partial(action_entry_job, incident_id=incident_id, note=note, at=self.clock())
        )

    async def actions_idle(self) -> None:
        """Until no automated action runs and what they reported is written."""
        await self.actions.idle()
        await self._writer.flush()
