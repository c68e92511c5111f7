"""Maintenance windows from the config: planned time when matching incidents notify nobody.

A window is one-off (`start`, `end`) or weekly (`days`, wall-clock `start`-`end` in a zone). It
matches incidents as a silence does (`incidents.matching`). Pure: the time is a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo

from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.matching import SILENCE_KEYS, check_matchers, describe_matchers, glob_match
from onwatch.incidents.model import Incident
from onwatch.incidents.timefmt import require_aware, to_iso

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
