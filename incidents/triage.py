"""Apply a rule decision to the one unclosed incident of its fingerprint (if any).

This is where deduplication happens: a breach opens an incident only when its fingerprint has
none unclosed; otherwise it updates, upgrades or brings back the existing one.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from onwatch.incidents import lifecycle
from onwatch.incidents.decisions import Breach, Decision, Recovery, Stable
from onwatch.incidents.errors import TransitionError
from onwatch.incidents.evidence import bounded
from onwatch.incidents.model import SYSTEM_ACTOR, Category, EntryKind, Incident, Mark, State


class Event(enum.StrEnum):
    """What happened to an incident, as subscribers (TUI, notify) care about it."""

    OPENED = "opened"
    REOPENED = "reopened"
    UPGRADED = "upgraded"
    UPDATED = "updated"
    RESOLVED = "resolved"
    RECOVERED = "recovered"
    FLAPPING = "flapping"
    STABLE = "stable"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    CLOSED = "closed"
    NOTED = "noted"
    PRIORITY = "priority"
    PAGED = "paged"
    RENOTIFIED = "renotified"
    UNACKNOWLEDGED = "unacknowledged"
    SILENCED = "silenced"
    UNSILENCED = "unsilenced"
    NOTIFIED = "notified"
    REPORTED = "reported"
    ASSIGNED = "assigned"
    HANDED_OVER = "handed_over"
    FEEDBACK = "feedback"
    ALERTMANAGER = "alertmanager"
    CHECKED = "checked"
    REVIEWED = "reviewed"


@dataclass(frozen=True, slots=True)
class Change:
    incident: Incident
    event: Event


def apply(
    decision: Decision, current: Incident | None, *, next_id: Callable[[], int]
) -> Change | None:
    """The change `decision` makes, or None when it changes nothing.

    `current` must be the unclosed incident with the decision's fingerprint, or None.
    `next_id` is called only when a new incident is opened.
    """
    if current is not None and current.state is State.CLOSED:
        raise ValueError("triage works on unclosed incidents only")
    match decision:
        case Breach():
            return _breach(decision, current, next_id)
        case Recovery():
            return _recovery(decision, current)
        case Stable():
            return _stable(decision, current)
    raise TypeError(f"unknown decision {decision!r}")


def _breach(decision: Breach, current: Incident | None, next_id: Callable[[], int]) -> Change:
    at = decision.at
    if current is None:
        incident = lifecycle.open_incident(
            incident_id=next_id(),
            source=decision.source,
            check=decision.check,
            metric=decision.metric,
            title=decision.title,
            severity=decision.severity,
            category=decision.category,
            value=decision.value,
            threshold=decision.threshold,
            at=at,
            labels=decision.labels,
        )
        incident = _with_evidence(incident, decision)
        return Change(_flag_flapping(incident, decision), Event.OPENED)
    if current.state is State.RESOLVED:
        incident = lifecycle.retrigger(
            current,
            decision.severity,
            value=decision.value,
            threshold=decision.threshold,
            title=decision.title,
            at=at,
        )
        incident = _with_evidence(incident, decision)
        return Change(_flag_flapping(incident, decision), Event.REOPENED)
    if decision.severity.rank > current.severity.rank:
        incident = lifecycle.upgrade(
            current, decision.severity, value=decision.value, threshold=decision.threshold, at=at
        )
        return Change(_flag_flapping(incident, decision), Event.UPGRADED)
    incident = lifecycle.observe(current, value=decision.value, at=at)
    if decision.category is Category.FORECAST and decision.title != current.title:
        # A forecast's title is its estimate: it follows the trend, once per new wording.
        incident = lifecycle.retitle(incident, decision.title, at=at)
    incident = _flag_flapping(incident, decision)
    return Change(incident, Event.FLAPPING if incident.marks != current.marks else Event.UPDATED)


def _with_evidence(incident: Incident, decision: Breach) -> Incident:
    """Evidence is what was seen as it opened: a reopening replaces it, an update does not."""
    if not decision.evidence:
        return incident
    return dataclasses.replace(incident, evidence=bounded(decision.evidence))


def _flag_flapping(incident: Incident, decision: Breach) -> Incident:
    if not decision.flapping:
        return incident
    return lifecycle.mark(
        incident,
        Mark.FLAPPING,
        at=decision.at,
        note="opened and recovered too often: stays open until it is stable",
    )


def _recovery(decision: Recovery, current: Incident | None) -> Change | None:
    if current is None or not current.state.is_active:
        return None
    if decision.flapping:
        if current.has(Mark.FLAPPING):
            return None
        incident = lifecycle.mark(
            current,
            Mark.FLAPPING,
            at=decision.at,
            note="recovered, but flapping: stays open until it is stable",
        )
        return Change(incident, Event.FLAPPING)
    if not decision.auto_resolve:
        entry = lifecycle.add_note(current, by=SYSTEM_ACTOR, at=decision.at, note="recovered")
        return Change(entry, Event.RECOVERED)
    return Change(
        lifecycle.resolve(current, by=SYSTEM_ACTOR, at=decision.at, note="recovered"),
        Event.RESOLVED,
    )


def _stable(decision: Stable, current: Incident | None) -> Change | None:
    if current is None or not current.has(Mark.FLAPPING):
        return None
    incident = lifecycle.unmark(
        current,
        Mark.FLAPPING,
        at=decision.at,
        kind=EntryKind.STABLE,
        note="stable again" if decision.healthy else "steady breach, no longer flapping",
    )
    if decision.healthy and incident.state.is_active:
        resolved = lifecycle.resolve(incident, by=SYSTEM_ACTOR, at=decision.at, note="recovered")
        return Change(resolved, Event.RESOLVED)
    return Change(incident, Event.STABLE)


def reopen(
    incident: Incident, *, unclosed: Incident | None, by: str, at: datetime, note: str = ""
) -> Incident:
    """An operator's reopen, refused while another incident is open for the same fingerprint.

    `unclosed` is the fingerprint's current unclosed incident, if any.
    """
    if unclosed is not None and unclosed.id != incident.id:
        raise TransitionError(
            incident.id,
            "reopen",
            incident.state,
            f"incident {unclosed.id} is already open for {incident.fingerprint}",
        )
    return lifecycle.reopen(incident, by=by, at=at, note=note)
