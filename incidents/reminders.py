"""Reminders and the acknowledgement timeout: what time does to an incident nobody finishes.

A triggered incident nobody acknowledges is announced again (`renotify`, with an optional
backoff); an acknowledgement held too long without a resolution lapses (`ack_timeout`), which
starts a new episode so the escalation chain pages again. Pure: `now` is a parameter.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from onwatch.incidents.errors import InvalidInput, TransitionError
from onwatch.incidents.escalation import with_entry
from onwatch.incidents.model import SYSTEM_ACTOR, EntryKind, Incident, Mark, State, TimelineEntry
from onwatch.incidents.timefmt import format_duration, require_aware


def next_renotify_at(
    *, last_notified_at: datetime, times_renotified: int, every: timedelta, backoff: float = 1.0
) -> datetime | None:
    """When the next reminder is due: `every * backoff ** times_renotified` after the last one.

    None when that lies beyond any representable date (a long backoff has run away).
    """
    if every <= timedelta(0):
        raise InvalidInput("renotify needs a positive interval")
    if backoff < 1.0:
        raise InvalidInput("renotify backoff must be at least 1.0")
    if times_renotified < 0:
        raise InvalidInput("times_renotified cannot be negative")
    try:
        return last_notified_at + every * (backoff**times_renotified)
    except OverflowError:
        return None


def renotify_due(
    incident: Incident,
    *,
    last_notified_at: datetime | None,
    times_renotified: int,
    every: timedelta,
    backoff: float = 1.0,
    now: datetime,
) -> bool:
    """Whether a still-unacknowledged incident should be announced again.

    Intervals run every, every*backoff, every*backoff^2... Only triggered, unsilenced incidents
    that have been notified at least once (`last_notified_at`) are reminded.
    """
    require_aware(now)
    if last_notified_at is None:
        return False
    due_at = next_renotify_at(
        last_notified_at=last_notified_at,
        times_renotified=times_renotified,
        every=every,
        backoff=backoff,
    )
    if incident.state is not State.TRIGGERED or incident.has(Mark.SILENCED):
        return False
    return due_at is not None and due_at <= now


def ack_expired(incident: Incident, *, ack_timeout: timedelta, now: datetime) -> bool:
    """An acknowledgement older than `ack_timeout` on an incident still not resolved."""
    require_aware(now)
    if ack_timeout <= timedelta(0):
        raise InvalidInput("ack_timeout must be positive")
    return (
        incident.state is State.ACKNOWLEDGED
        and incident.acknowledged_at is not None
        and incident.acknowledged_at + ack_timeout <= now
    )


def unacknowledge(
    incident: Incident, *, at: datetime, by: str = SYSTEM_ACTOR, note: str = ""
) -> Incident:
    """Acknowledged -> triggered: a new episode, so the chain pages again from its first step.

    Raises TransitionError unless the incident is acknowledged.
    """
    if incident.state is not State.ACKNOWLEDGED:
        raise TransitionError(incident.id, "unacknowledge", incident.state)
    require_aware(at)
    if note:
        text = note
    elif incident.acknowledged_at is not None:
        waited = format_duration(at - incident.acknowledged_at)
        text = f"acknowledged {waited} ago and still not resolved"
    else:
        text = "acknowledgement timed out"
    return dataclasses.replace(
        with_entry(incident, TimelineEntry(at, EntryKind.UNACKNOWLEDGED, by, text)),
        state=State.TRIGGERED,
        acknowledged_at=None,
        escalation_level=0,
    )
