"""Silences and maintenance windows: which incidents nobody is told about, and when.

A silence is made by an operator (`onwatch silence add --match source=web-01 --for 2h`); a
maintenance window comes from the config (`incidents.maintenance`). Both match incidents by
shell-style globs on the source, check, metric and severity (`incidents.matching`). A silenced incident is still recorded: it carries
the `silenced` mark and a timeline entry, nobody is notified and nothing escalates, and when the
silence ends the mark is lifted so what is still open notifies. Pure: the time is a parameter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from onwatch.incidents import lifecycle
from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.maintenance import DAYS, Maintenance, WeeklyWindow
from onwatch.incidents.matching import (
    SILENCE_KEYS,
    check_matchers,
    describe_matchers,
    glob_match,
    incident_fields,
)
from onwatch.incidents.model import EntryKind, Incident, Mark
from onwatch.incidents.timefmt import format_duration, from_iso, require_aware, to_iso

# Matchers and maintenance windows were first defined here; callers may still import them so.
__all__ = [
    "DAYS",
    "MAX_SILENCE",
    "SILENCE_KEYS",
    "Maintenance",
    "Silence",
    "WeeklyWindow",
    "apply_silences",
    "check_matchers",
    "describe_matchers",
    "glob_match",
    "incident_fields",
    "new_silence",
    "silence_from_dict",
    "silence_to_dict",
    "silenced_by",
]


# --- silences ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Silence:
    """An operator's silence: matching incidents notify nobody from `starts_at` to `ends_at`.

    `expired_at` is set when someone ends it early (`onwatch silence expire ID`).
    """

    id: int
    matchers: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str
    expired_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.id < 1:
            raise InvalidInput(f"silence ids are positive integers, got {self.id}")
        if not self.matchers:
            # An empty silence would mute everything; `source=*` says so on purpose.
            raise InvalidInput("a silence needs at least one matcher, e.g. source=web-01")
        checked = check_matchers(self.matchers, SILENCE_KEYS, what="a silence")
        object.__setattr__(self, "matchers", checked)
        require_aware(self.starts_at)
        require_aware(self.ends_at)
        if self.expired_at is not None:
            require_aware(self.expired_at)
        if self.ends_at <= self.starts_at:
            raise InvalidInput("a silence must end after it starts")
        if not self.reason.strip():
            raise InvalidInput("a silence needs a reason")
        if not self.created_by.strip():
            raise InvalidInput("a silence needs the name of who made it")

    @property
    def effective_end(self) -> datetime:
        """When it stops muting: its end, or earlier if it was expired by hand."""
        if self.expired_at is None:
            return self.ends_at
        return min(self.ends_at, self.expired_at)

    def is_active(self, now: datetime) -> bool:
        require_aware(now)
        return self.starts_at <= now < self.effective_end

    def matches(self, subject: Incident | Mapping[str, str]) -> bool:
        return glob_match(self.matchers, subject)

    def expire(self, at: datetime) -> Silence:
        """End it now; raises InvalidInput when it has already ended."""
        require_aware(at)
        if at >= self.effective_end:
            raise InvalidInput(f"silence {self.id} has already ended")
        return dataclasses.replace(self, expired_at=at)

    def describe(self) -> str:
        return (
            f"silence #{self.id} ({describe_matchers(self.matchers)}) until "
            f"{to_iso(self.effective_end)} by {self.created_by}: {self.reason}"
        )


MAX_SILENCE = timedelta(days=90)


def new_silence(
    silence_id: int,
    matchers: Mapping[str, str],
    *,
    at: datetime,
    duration: timedelta,
    reason: str,
    created_by: str,
) -> Silence:
    """A silence starting at `at` for `duration` (the CLI's `--for 2h`), at most 90 days:
    a silence forgotten for longer hides real outages."""
    if duration <= timedelta(0):
        raise InvalidInput("a silence must last a positive time")
    if duration > MAX_SILENCE:
        raise InvalidInput(f"a silence lasts at most {MAX_SILENCE.days}d")
    return Silence(silence_id, dict(matchers), at, at + duration, reason.strip(), created_by)


def silence_to_dict(silence: Silence) -> dict[str, Any]:
    """The serialised form (store, `silence list --json`); times as UTC ISO-8601."""
    return {
        "id": silence.id,
        "matchers": dict(silence.matchers),
        "starts_at": to_iso(silence.starts_at),
        "ends_at": to_iso(silence.ends_at),
        "reason": silence.reason,
        "created_by": silence.created_by,
        "expired_at": None if silence.expired_at is None else to_iso(silence.expired_at),
    }


def silence_from_dict(data: Mapping[str, Any]) -> Silence:
    expired = data.get("expired_at")
    return Silence(
        id=int(data["id"]),
        matchers={str(k): str(v) for k, v in data["matchers"].items()},
        starts_at=from_iso(data["starts_at"]),
        ends_at=from_iso(data["ends_at"]),
        reason=str(data["reason"]),
        created_by=str(data["created_by"]),
        expired_at=None if expired is None else from_iso(expired),
    )


# --- applying them ----------------------------------------------------------------------------


def silenced_by(
    incident: Incident | Mapping[str, str],
    silences: Iterable[Silence],
    maintenance: Iterable[Maintenance],
    now: datetime,
) -> Silence | Maintenance | None:
    """The first active silence (then maintenance window) that matches, or None."""
    for silence in silences:
        if silence.is_active(now) and silence.matches(incident):
            return silence
    for window in maintenance:
        if window.is_active(now) and window.matches(incident):
            return window
    return None


def apply_silences(
    incident: Incident,
    silences: Iterable[Silence],
    maintenance: Iterable[Maintenance] = (),
    *,
    now: datetime,
) -> Incident:
    """Set or lift the silenced mark so it agrees with what is active at `now`.

    Returns the same object when nothing changes. Only active incidents (triggered or
    acknowledged) are touched: a resolved incident has nobody left to notify, and marking it
    would only add noise to its timeline.
    """
    if not incident.state.is_active:
        return incident
    muter = silenced_by(incident, silences, maintenance, now)
    if muter is not None and not incident.has(Mark.SILENCED):
        return lifecycle.mark(incident, Mark.SILENCED, at=now, note=muter.describe())
    if muter is None and incident.has(Mark.SILENCED):
        return lifecycle.unmark(
            incident,
            Mark.SILENCED,
            at=now,
            kind=EntryKind.UNSILENCED,
            note=f"no longer silenced after {format_duration(now - _muted_since(incident))}",
        )
    return incident


def _muted_since(incident: Incident) -> datetime:
    for entry in reversed(incident.timeline):
        if entry.kind == EntryKind.SILENCED:
            return entry.at
    return incident.created_at
