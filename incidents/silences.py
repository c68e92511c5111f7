"""Silences and maintenance windows: which incidents nobody is told about, and when.

A silence is made by an operator (`onwatch silence add --match source=web-01 --for 2h`); a
maintenance window comes from the config, once or every week. Both match incidents by shell-style
globs on the source, check, metric and severity. A silenced incident is still recorded: it carries
the `silenced` mark and a timeline entry, nobody is notified and nothing escalates, and when the
silence ends the mark is lifted so what is still open notifies. Pure: the time is a parameter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from fnmatch import fnmatchcase
from typing import Any

from onwatch.incidents import lifecycle
from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.model import Category, EntryKind, Incident, Mark, Priority, Severity
from onwatch.incidents.timefmt import format_duration, from_iso, require_aware, to_iso

SILENCE_KEYS = frozenset({"source", "check", "metric", "severity"})
"""What a silence or a maintenance window may match on."""

_ENUM_VALUES: dict[str, tuple[str, ...]] = {
    "severity": tuple(s.value for s in Severity),
    "category": tuple(c.value for c in Category),
    "priority": tuple(p.value for p in Priority),
}

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- matching ---------------------------------------------------------------------------------


def incident_fields(incident: Incident) -> dict[str, str]:
    """The values matchers see: every key a policy, silence or window may name."""
    return {
        "source": incident.source,
        "check": incident.check,
        "metric": incident.metric,
        "severity": incident.severity.value,
        "category": incident.category.value,
        "priority": incident.priority.value,
    }


def glob_match(matchers: Mapping[str, str], subject: Incident | Mapping[str, str]) -> bool:
    """True when every matcher's glob matches the subject's field (no matchers match all).

    `subject` is an incident or plain fields (e.g. a sample's source and check); a key the
    subject lacks does not match. Enum values (severity, category, priority) compare without
    regard to case, so `severity = "CRITICAL"` in a config means what its author meant.
    """
    values = incident_fields(subject) if isinstance(subject, Incident) else subject
    for key, pattern in matchers.items():
        value = values.get(key)
        if value is None:
            return False
        if key in _ENUM_VALUES:
            if not fnmatchcase(str(value).lower(), pattern.lower()):
                return False
        elif not fnmatchcase(str(value), pattern):
            return False
    return True


def check_matchers(
    matchers: Mapping[str, str], allowed: frozenset[str], *, what: str
) -> dict[str, str]:
    """A validated copy of `matchers`; raises InvalidInput on an unknown key or an empty glob.

    A glob on an enum field that can match none of its values (`severity = "crit"`) is refused:
    such a typo would otherwise silently never match.
    """
    checked: dict[str, str] = {}
    for key, pattern in matchers.items():
        if key not in allowed:
            raise InvalidInput(
                f"{what} cannot match on {key!r}; use one of {', '.join(sorted(allowed))}"
            )
        if not isinstance(pattern, str) or not pattern.strip():
            raise InvalidInput(f"{what}: the pattern for {key} must be a non-empty string")
        values = _ENUM_VALUES.get(key)
        if values and not any(fnmatchcase(v.lower(), pattern.lower()) for v in values):
            raise InvalidInput(
                f"{what}: {key} pattern {pattern!r} matches none of {', '.join(values)}"
            )
        checked[key] = pattern.strip()
    return checked


def describe_matchers(matchers: Mapping[str, str]) -> str:
    """`source=web-* check=api`: the form the CLI takes and lists."""
    return " ".join(f"{key}={pattern}" for key, pattern in sorted(matchers.items())) or "everything"


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


# --- maintenance windows ----------------------------------------------------------------------


_DAY_NAMES = {
    **{day: day for day in DAYS},
    **{
        name: name[:3]
        for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    },
}


def _day(name: str) -> str:
    try:
        return _DAY_NAMES[name.strip().lower()]
    except KeyError:
        raise InvalidInput(f"not a day of the week: {name!r} (use mon, tue, ... sun)") from None


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Every week on `days`, from `start` to `end` local time in `tz`.

    A window whose end is not after its start crosses midnight: `sat 23:00-02:00` runs into
    Sunday morning, and the day named is the day it starts. `start == end` is a whole day.
    """

    days: frozenset[str]
    start: time
    end: time
    tz: tzinfo = UTC

    def __post_init__(self) -> None:
        days = frozenset(_day(d) for d in self.days)
        if not days:
            raise InvalidInput("a weekly window needs at least one day")
        object.__setattr__(self, "days", days)
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise InvalidInput("weekly window times are wall-clock times; give the zone as tz")

    def contains(self, now: datetime) -> bool:
        local = require_aware(now).astimezone(self.tz)
        today = DAYS[local.weekday()]
        yesterday = DAYS[(local.weekday() - 1) % 7]
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return today in self.days and self.start <= clock < self.end
        # Crossing midnight: the evening part belongs to today, the morning part to yesterday.
        return (today in self.days and clock >= self.start) or (
            yesterday in self.days and clock < self.end
        )

    def describe(self) -> str:
        days = ",".join(d for d in DAYS if d in self.days)
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M} {self.tz}"


@dataclass(frozen=True, slots=True)
class Maintenance:
    """A planned window from the config: one-off (`start`, `end`) or `weekly`."""

    match: Mapping[str, str]
    start: datetime | None = None
    end: datetime | None = None
    weekly: WeeklyWindow | None = None
    name: str = "maintenance"

    def __post_init__(self) -> None:
        if not self.match:
            raise InvalidInput('a maintenance window needs a match, e.g. source = "web-*"')
        object.__setattr__(
            self, "match", check_matchers(self.match, SILENCE_KEYS, what="a maintenance window")
        )
        one_off = self.start is not None or self.end is not None
        if one_off == (self.weekly is not None):
            raise InvalidInput("a maintenance window has either start and end, or weekly")
        if one_off:
            if self.start is None or self.end is None:
                raise InvalidInput("a one-off maintenance window needs both start and end")
            require_aware(self.start)
            require_aware(self.end)
            if self.end <= self.start:
                raise InvalidInput("a maintenance window must end after it starts")

    def is_active(self, now: datetime) -> bool:
        require_aware(now)
        if self.weekly is not None:
            return self.weekly.contains(now)
        assert self.start is not None and self.end is not None
        return self.start <= now < self.end

    def matches(self, subject: Incident | Mapping[str, str]) -> bool:
        return glob_match(self.match, subject)

    def describe(self) -> str:
        if self.weekly is not None:
            when = self.weekly.describe()
        else:
            assert self.start is not None and self.end is not None
            when = f"{to_iso(self.start)} to {to_iso(self.end)}"
        return f"maintenance {self.name} ({describe_matchers(self.match)}) {when}"


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
