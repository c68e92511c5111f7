"""Who is told, and when: escalation timers, reminders, acknowledgement timeouts, silences.

Two halves, so that every path to a notification is the same:

- Timers (`timers_job`, in `engine.pager_timers`) only write the timeline: a "paged" or
  "escalated" entry when a step of the escalation policy falls due, "renotified" for a
  reminder, "unacknowledged" when an acknowledgement timed out, "silenced"/"unsilenced" as
  silences start and end. They run as a store job, so the conditions are checked again
  against the current file under the lock.
- The observer (`observe`) reads new timeline entries, whoever wrote them (these timers, an
  operator's `e` in the console, `onwatch incidents escalate` from a shell), and hands the
  notifications to the dispatcher. Delivery outcomes come back and are written on the timeline.

Decisions themselves are pure functions in `incidents.escalation` and `incidents.silences`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from onwatch.engine.due_timers import DueIndex
from onwatch.engine.handled import HandledEntries
from onwatch.engine.own_health import failing_channel
from onwatch.engine.pager_timers import PagerTimers, with_entry
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import (
    SYSTEM_ACTOR,
    Change,
    EntryKind,
    Event,
    Incident,
    State,
    TimelineEntry,
)
from onwatch.incidents.escalation import step_at
from onwatch.incidents.people import Role
from onwatch.incidents.policy import EscalationPolicy, default_policy, policy_for
from onwatch.incidents.silences import Silence
from onwatch.notify.channels import Channel
from onwatch.notify.messages import Kind, kind_for_step
from onwatch.store import Transaction

log = logging.getLogger("onwatch.engine")

Submit = Callable[..., None]

HANDED_OVER_TO = "handed over to "
"""How `people.hand_over` begins its timeline note; the role's name follows."""


def role_addresses(roles: Iterable[Role]) -> dict[str, Channel]:
    """The apprise URLs roles name directly, as channels keyed (and shown on the timeline) by
    the role's name, so a delivery outcome never repeats an address: "notified it_support"."""
    found: dict[str, Channel] = {}
    for role in roles:
        urls = [target for target in role.notify if "://" in target]
        for number, url in enumerate(urls, start=1):
            key = role.name if len(urls) == 1 else f"{role.name} ({number})"
            found[key] = Channel(key, url)
    return found


def role_targets(roles: Iterable[Role]) -> dict[str, tuple[str, ...]]:
    """Role name -> the sender keys it stands for: its channels and its own addresses."""
    targets: dict[str, tuple[str, ...]] = {}
    for role in roles:
        keys: list[str] = []
        urls = [target for target in role.notify if "://" in target]
        for target in role.notify:
            if "://" not in target:
                keys.append(target)
            else:
                number = urls.index(target) + 1
                keys.append(role.name if len(urls) == 1 else f"{role.name} ({number})")
        targets[role.name] = tuple(keys)
    return targets


def _reporter_url(incident: Incident) -> str | None:
    # A reporter given as a plain name is somebody to thank, not an address to send to.
    reporter = incident.reporter
    return reporter if reporter and "://" in reporter else None


class Pager(PagerTimers):
    def __init__(self, settings: NotifySettings) -> None:
        self._silences: list[Silence] = []
        self.due = DueIndex(self.next_due, lambda i, now: self._advance(i, now) is not i)
        """The open incidents by when time alone next changes them (see `due_timers`)."""
        self.handled = HandledEntries()
        """How much of each unclosed incident's timeline has been announced."""
        self._outcomes: list[tuple[int, str]] = []
        self.reconfigure(settings)

    def reconfigure(self, settings: NotifySettings) -> None:
        """New policies, channels and roles (a config reload); what was already told stays
        told, so a reload never repeats a notification."""
        self.settings = settings
        self.due.invalidate()
        self._fallback = default_policy(c.name for c in settings.channels)
        self._roles = role_targets(settings.roles)
        self._keys = tuple(
            dict.fromkeys(
                [c.name for c in settings.channels] + list(role_addresses(settings.roles))
            )
        )

    @property
    def silences(self) -> list[Silence]:
        return self._silences

    @silences.setter
    def silences(self, silences: list[Silence]) -> None:
        self._silences = silences
        self.due.invalidate()

    def policy(self, incident: Incident) -> EscalationPolicy:
        return policy_for(incident, self.settings.policies) or self._fallback

    def expand(self, names: Iterable[str]) -> tuple[str, ...]:
        """Step names as sender keys: a role stands for its channels and addresses."""
        keys = (key for name in names for key in self._roles.get(name, (name,)))
        return tuple(dict.fromkeys(keys))

    def _handed_to(self, entry: TimelineEntry) -> str | None:
        # Longest first, so a role named "it" never claims a hand-over to "it_support".
        for role in sorted(self._roles, key=len, reverse=True):
            head = HANDED_OVER_TO + role
            if entry.note == head or entry.note.startswith(head + ": "):
                return role
        return None

    def _routed(self, incident: Incident, submit: Submit) -> Submit:
        failing = failing_channel(incident)
        if failing is None:
            return submit
        every = self._keys

        def routed(incident: Incident, kind: object, channels: tuple[str, ...], **kw) -> None:
            submit(incident, kind, _avoiding(failing, tuple(channels), every), **kw)

        return routed

    # --- delivery outcomes -----------------------------------------------------------------------

    def record_outcome(self, incident_id: int, kind: str, text: str) -> None:
        self._outcomes.append((incident_id, text))

    def outcomes_job(self, now: datetime) -> Callable[[Transaction], list[Change]] | None:
        if not self._outcomes:
            return None
        pending, self._outcomes = self._outcomes, []

        def job(txn: Transaction) -> list[Change]:
            changed: dict[int, Incident] = {}
            for incident_id, text in pending:
                try:
                    incident = changed.get(incident_id) or txn.get(incident_id)
                except LookupError:
                    continue
                entry = TimelineEntry(now, EntryKind.NOTIFY, SYSTEM_ACTOR, text)
                changed[incident_id] = with_entry(incident, entry)
            for incident in changed.values():
                txn.put(incident)
            return [Change(i, Event.NOTIFIED) for i in changed.values()]

        return job

    # --- the observer ----------------------------------------------------------------------------

    def already_told(self, incidents: Iterable[Incident]) -> None:
        """Incidents found at start: whatever their timelines say was handled by an earlier run."""
        self.handled.already_told(incidents)

    def observe(self, incident: Incident, submit: Submit, now: datetime) -> None:
        """Send what the incident's new timeline entries call for."""
        # Delivery outcomes are still written on closed incidents' timelines: `handled` counts
        # them from the close on, so the close is never announced again.
        new = incident.timeline[self.handled.take(incident) :]
        if not new:
            return
        kinds = {entry.kind for entry in new}
        submit = self._routed(incident, submit)
        policy = self.policy(incident)
        level = incident.escalation_level
        expand = self.expand
        if EntryKind.PAGED in kinds and incident.state.is_active:
            due = step_at(policy, 0, now)
            submit(incident, kind_for_step(incident, due), expand(due.step.notify), due=due)
        if EntryKind.ESCALATED in kinds and incident.state.is_active:
            due = step_at(policy, level, now)
            submit(incident, kind_for_step(incident, due), expand(due.step.notify), due=due)
        elif EntryKind.RENOTIFIED in kinds and incident.state is State.TRIGGERED:
            due = step_at(policy, level, now)
            submit(incident, Kind.RENOTIFY, expand(due.step.notify), due=due)
        for entry in new:
            role = self._handed_to(entry) if entry.kind == EntryKind.HANDED_OVER else None
            if role is not None:
                submit(incident, Kind.HANDED_OVER, self._roles[role], desktop=False)
        everyone = expand(name for step in policy.steps for name in step.notify)
        if EntryKind.RESOLVED in kinds and incident.state is State.RESOLVED:
            submit(incident, Kind.RESOLVED, everyone)
        # A close or a reopen by a person ends or restarts the story for whoever reported it.
        ending = {EntryKind.CLOSED: State.CLOSED, EntryKind.REOPENED: State.TRIGGERED}
        for kind, state in ending.items():
            if kind in kinds and incident.state is state:
                submit(incident, Kind(kind.value), everyone, reporter=_reporter_url(incident))


def _avoiding(failing: str, keys: tuple[str, ...], every: tuple[str, ...]) -> tuple[str, ...]:
    """Where news of a failing channel goes: the step's other channels, else every other one;
    never only the channel that fails, which would tell nobody."""
    others = tuple(key for key in keys if key != failing)
    return others or tuple(key for key in every if key != failing)
