"""The operations API: every operator action, whoever asks (TUI, CLI, a future server).

Each action reads the incident's current version under the store's write lock, applies the
lifecycle function and writes the result, so a CLI command and a running console never lose
each other's changes. Actions block on file I/O: async callers run them in a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import timedelta

from onwatch.engine.clock import Clock
from onwatch.engine.contacts import check_contact
from onwatch.engine.reviewing import ReviewOperations
from onwatch.incidents import (
    SYSTEM_ACTOR,
    Category,
    Change,
    Event,
    Incident,
    InvalidInput,
    Priority,
    Severity,
    drills,
    fingerprint,
    lifecycle,
    people,
    triage,
)
from onwatch.incidents.checklist import Guide
from onwatch.incidents.escalation import (
    EscalationPolicy,
    next_manual_step,
    record_step,
    step_note,
)
from onwatch.incidents.external import ExternalAlert, receive
from onwatch.incidents.silences import Silence
from onwatch.store import ChangeStore, IncidentStore, SilenceStore


class Operations(ReviewOperations):
    def __init__(
        self,
        store: IncidentStore,
        *,
        clock: Clock,
        operator: str,
        policy_for: Callable[[Incident], EscalationPolicy] | None = None,
        silences: SilenceStore | None = None,
        roles: Collection[str] = (),
        resolution_required: bool = False,
        guides: Mapping[str, Guide] | None = None,
        changes: ChangeStore | None = None,
    ) -> None:
        """`policy_for` names the escalation policy of an incident; with it, an escalate fires
        the policy's next step (and says which on the timeline) instead of a bare level + 1.
        `roles` are the names an incident may be handed over to; `guides` what each check's
        incidents' checklists add to the defaults."""
        self.store = store
        self.clock = clock
        self.operator = operator
        self.policy_for = policy_for
        self.silences = silences
        self.roles = frozenset(roles)
        self.resolution_required = resolution_required
        self.guides = dict(guides or {})
        self.changes = changes

    def _apply(
        self, incident_id: int, event: Event, change: Callable[[Incident], Incident]
    ) -> Change:
        return Change(self.store.update(incident_id, change), event)

    def acknowledge(self, incident_id: int, *, by: str | None = None, note: str = "") -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id,
            Event.ACKNOWLEDGED,
            lambda i: lifecycle.acknowledge(i, by=actor, at=at, note=note),
        )

    def escalate(self, incident_id: int, *, by: str | None = None, note: str = "") -> Change:
        actor, at = by or self.operator, self.clock()
        policy_for = self.policy_for

        def fire_next_step(incident: Incident) -> Incident:
            if policy_for is None or not incident.state.is_active:
                return lifecycle.escalate(incident, by=actor, at=at, note=note)
            policy = policy_for(incident)
            due = next_manual_step(incident, policy)
            if due.level == 0:
                # Not even paged yet: the first responders hear of it first, then the next level.
                incident = record_step(incident, due, at=at, by=actor)
                due = next_manual_step(incident, policy)
            text = step_note(due)
            if note:
                text = f"{note} ({text})"
            return record_step(incident, due, at=at, by=actor, note=text)

        return self._apply(incident_id, Event.ESCALATED, fire_next_step)

    def close(self, incident_id: int, *, by: str | None = None, note: str = "") -> Change:
        if self.resolution_required and not note.strip():
            raise InvalidInput("closing needs a resolution: say what fixed it (--note)")
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id, Event.CLOSED, lambda i: lifecycle.close(i, by=actor, at=at, note=note)
        )

    def reopen(self, incident_id: int, *, by: str | None = None, note: str = "") -> Change:
        actor, at = by or self.operator, self.clock()
        with self.store.transaction() as txn:
            incident = txn.get(incident_id)
            unclosed = txn.unclosed_by_fingerprint().get(incident.fingerprint)
            updated = triage.reopen(incident, unclosed=unclosed, by=actor, at=at, note=note)
            txn.put(updated)
        return Change(updated, Event.REOPENED)

    def note(self, incident_id: int, text: str, *, by: str | None = None) -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id, Event.NOTED, lambda i: lifecycle.add_note(i, by=actor, at=at, note=text)
        )

    def set_priority(
        self, incident_id: int, priority: Priority | str, *, by: str | None = None, note: str = ""
    ) -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id,
            Event.PRIORITY,
            lambda i: lifecycle.set_priority(i, priority, by=actor, at=at, note=note),
        )

    # --- people ------------------------------------------------------------------------------

    def open_report(
        self,
        title: str,
        *,
        severity: Severity = Severity.WARNING,
        category: Category = Category.REPORTED,
        source: str = people.REPORTED_SOURCE,
        description: str = "",
        reporter: str | None = None,
        by: str | None = None,
    ) -> Change:
        """A person reports something broken. A second report of the same source and title
        while the first is being handled adds to it; one that has resolved comes back."""
        actor, at = by or self.operator, self.clock()
        title = people.check_title(title)
        reporter = check_contact(reporter)
        with self.store.transaction() as txn:
            key = fingerprint(source.strip(), people.REPORT_CHECK, people.report_metric(title))
            current = txn.unclosed_by_fingerprint().get(key)
            if current is not None and current.state.is_active:
                updated = people.add_report(current, reporter=reporter, by=actor, at=at)
                event = Event.REPORTED
            elif current is not None:
                again = triage.reopen(current, unclosed=current, by=actor, at=at, note=title)
                updated = people.add_report(again, reporter=reporter, by=actor, at=at)
                event = Event.REOPENED
            else:
                updated = people.open_report(
                    incident_id=txn.next_id(),
                    title=title,
                    severity=severity,
                    category=category,
                    source=source,
                    description=description,
                    reporter=reporter,
                    by=actor,
                    at=at,
                )
                event = Event.OPENED
            txn.put(updated)
        return Change(updated, event)

    def assign(
        self,
        incident_id: int,
        name: str,
        *,
        as_: people.Assignment = people.Assignment.OWNER,
        by: str | None = None,
    ) -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id,
            Event.ASSIGNED,
            lambda i: people.assign(i, name, as_=as_, by=actor, at=at),
        )

    def hand_over(
        self, incident_id: int, role: str, *, by: str | None = None, note: str = ""
    ) -> Change:
        """Pass the incident to a role; the engine's notifier tells the role's channels."""
        if role not in self.roles:
            known = ", ".join(sorted(self.roles)) or "none configured"
            raise InvalidInput(f"no role {role!r} (roles: {known})")
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id,
            Event.HANDED_OVER,
            lambda i: people.hand_over(i, role, by=actor, at=at, note=note),
        )

    def feedback(
        self, incident_id: int, rating: int, *, comment: str = "", by: str | None = None
    ) -> Change:
        actor, at = by or self.operator, self.clock()
        return self._apply(
            incident_id,
            Event.FEEDBACK,
            lambda i: people.give_feedback(i, rating=rating, comment=comment, by=actor, at=at),
        )

    # --- alerts raised elsewhere ------------------------------------------------------------

    def receive_alerts(
        self, alerts: Sequence[ExternalAlert], *, by: str | None = None
    ) -> list[Change]:
        """Alertmanager's word on some alerts, in one transaction: each opens, refreshes,
        upgrades, brings back or resolves the unclosed incident of its fingerprint."""
        actor, at = by or SYSTEM_ACTOR, self.clock()
        changes: list[Change] = []
        with self.store.transaction() as txn:
            unclosed = txn.unclosed_by_fingerprint()
            for alert in alerts:
                key = alert.incident_fingerprint
                change = receive(alert, unclosed.get(key), next_id=txn.next_id, by=actor, at=at)
                if change is None:
                    continue
                txn.put(change.incident)
                unclosed[key] = change.incident
                changes.append(change)
        return changes

    # --- drills --------------------------------------------------------------------------------

    def drill(
        self,
        *,
        source: str | None = None,
        check: str | None = None,
        severity: Severity = Severity.CRITICAL,
        lasting: timedelta = timedelta(minutes=10),
        by: str | None = None,
    ) -> Change:
        """Open a practice incident of `check` on `source` (none: the synthetic `drill` source);
        the engine pages, escalates and, after `lasting`, resolves it like a real one."""
        actor, at = by or self.operator, self.clock()
        with self.store.transaction() as txn:
            incident = drills.open_drill(
                incident_id=txn.next_id(),
                source=source,
                check=check,
                severity=Severity(severity),
                lasting=lasting,
                by=actor,
                at=at,
            )
            current = txn.unclosed_by_fingerprint().get(incident.fingerprint)
            if current is not None:
                raise InvalidInput(f"a drill of this check is under way already (#{current.id})")
            txn.put(incident)
        return Change(incident, Event.OPENED)

    # --- silences ------------------------------------------------------------------------------

    def _silence_store(self) -> SilenceStore:
        if self.silences is None:
            raise InvalidInput("silences need a silence store")
        return self.silences

    def silence(
        self,
        matchers: Mapping[str, str],
        *,
        duration: timedelta,
        reason: str,
        by: str | None = None,
    ) -> Silence:
        """Mute matching incidents from now for `duration`: recorded, but nobody is notified."""
        return self._silence_store().add(
            matchers,
            at=self.clock(),
            duration=duration,
            reason=reason,
            created_by=by or self.operator,
        )

    def expire_silence(self, silence_id: int) -> Silence:
        """End a silence now; InvalidInput when it has already ended."""
        return self._silence_store().expire(silence_id, at=self.clock())
