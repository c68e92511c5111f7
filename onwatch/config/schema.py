"""The kinds of value a config key can hold (`Text`, `Number`, `Duration`, `Instant`...):
each checks a value and converts it. Tables and arrays of them are in `tables`.

A kind's `check` returns the converted value or `INVALID`; it reports what is wrong to the
context instead of raising, so one pass finds every problem in a file.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.problems import INVALID, Context, closest, quote, show_number
from onwatch.incidents.timefmt import exact_duration, parse_duration

_EXAMPLE_INSTANT = "2026-12-01T02:00:00Z"


class Kind:
    """What a value must be. Subclasses implement `convert` for values of the right type."""

    expected = "a value"

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if value is INVALID:
            return INVALID
        if not self.accepts(value):
            ctx.error(path, f"expected {self.expected_in(ctx)}, got {ctx.describe(value)}")
            return INVALID
        return self.convert(value, path, ctx)

    def accepts(self, value: Any) -> bool:
        return True

    def expected_in(self, ctx: Context) -> str:
        return self.expected

    def convert(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        return value


Validator = Callable[[str], str | None]
"""Returns what is wrong with a string, or None when it is fine."""


class Text(Kind):
    expected = "a string"

    def __init__(self, *, allow_empty: bool = False, validate: Validator | None = None) -> None:
        self.allow_empty = allow_empty
        self.validate = validate

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def convert(self, value: str, path: KeyPath, ctx: Context) -> Any:
        if not self.allow_empty and not value.strip():
            ctx.error(path, "must not be empty")
            return INVALID
        wrong = self.validate(value) if self.validate else None
        if wrong:
            ctx.error(path, wrong)
            return INVALID
        return value


class Flag(Kind):
    expected = "true or false"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)


def _range_text(low: Any, high: Any, low_open: bool, show: Callable[[Any], str]) -> str:
    if low is not None and high is not None and not low_open:
        return f"between {show(low)} and {show(high)}"
    if low is not None and high is not None:
        return f"above {show(low)} and at most {show(high)}"
    if low is not None:
        return f"above {show(low)}" if low_open else f"at least {show(low)}"
    return f"at most {show(high)}"


class Number(Kind):
    """An int or float (never a boolean) within an optional range."""

    def __init__(
        self,
        low: float | None = None,
        high: float | None = None,
        *,
        low_open: bool = False,
        integer: bool = False,
    ) -> None:
        self.low, self.high, self.low_open, self.integer = low, high, low_open, integer
        self.expected = "an integer" if integer else "a number"

    def accepts(self, value: Any) -> bool:
        kinds = int if self.integer else int | float
        return isinstance(value, kinds) and not isinstance(value, bool)

    def convert(self, value: float, path: KeyPath, ctx: Context) -> Any:
        if not math.isfinite(value):
            ctx.error(path, f"expected a finite number, got {value!r}")
            return INVALID
        too_low = self.low is not None and (
            value <= self.low if self.low_open else value < self.low
        )
        too_high = self.high is not None and value > self.high
        if too_low or too_high:
            limits = _range_text(self.low, self.high, self.low_open, show_number)
            ctx.error(path, f"must be {limits}, got {show_number(value)}")
            return INVALID
        return value if self.integer else float(value)


class Duration(Kind):
    """A string such as "500ms", "30s", "5m", "1h", "7d", converted to a timedelta."""

    expected = 'a duration like "30s"'

    def __init__(
        self,
        low: timedelta | None = None,
        high: timedelta | None = None,
        *,
        low_open: bool = False,
    ) -> None:
        self.low, self.high, self.low_open = low, high, low_open

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        # A bare number is the classic mistake: say what was given without "string"/"integer".
        if isinstance(value, int | float) and not isinstance(value, bool):
            ctx.error(path, f"expected {self.expected}, got {value!r}")
            return INVALID
        return super().check(value, path, ctx)

    def convert(self, value: str, path: KeyPath, ctx: Context) -> Any:
        try:
            delta = parse_duration(value)
        except ValueError:
            ctx.error(path, f"expected {self.expected}, got {quote(value)}")
            return INVALID
        too_low = self.low is not None and (
            delta <= self.low if self.low_open else delta < self.low
        )
        too_high = self.high is not None and delta > self.high
        if too_low or too_high:
            limits = _range_text(self.low, self.high, self.low_open, exact_duration)
            ctx.error(path, f"must be {limits}, got {quote(value)}")
            return INVALID
        return delta


class Choice(Kind):
    """One of a few words; case does not matter, the canonical spelling is returned."""

    def __init__(self, options: Iterable[str]) -> None:
        self.options = tuple(options)
        self.expected = "one of " + ", ".join(self.options)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def convert(self, value: str, path: KeyPath, ctx: Context) -> Any:
        for option in self.options:
            if option.lower() == value.strip().lower():
                return option
        ctx.error(path, f"expected {self.expected}, got {quote(value)}")
        return INVALID


class Instant(Kind):
    """A moment: a TOML date-time with an offset, or an ISO-8601 string with a timezone."""

    expected = f"a date-time with a timezone like {quote(_EXAMPLE_INSTANT)}"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str | date)

    def convert(self, value: str | date, path: KeyPath, ctx: Context) -> Any:
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                ctx.error(path, f"expected {self.expected}, got {quote(value)}")
                return INVALID
        elif isinstance(value, datetime):
            moment = value
        else:
            ctx.error(path, f"expected {self.expected}, got date {value.isoformat()}")
            return INVALID
        if moment.tzinfo is None:
            # A wall-clock time is ambiguous across zones and DST; guessing would be worse.
            ctx.error(
                path,
                f"{moment.isoformat()} has no timezone; end it with Z (UTC) "
                "or an offset such as +01:00",
            )
            return INVALID
        return moment


class ClockTime(Kind):
    """A wall-clock time of day: "02:00", "02:00:30" or a TOML local time."""

    expected = 'a time of day like "02:00"'

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str | time)

    def convert(self, value: str | time, path: KeyPath, ctx: Context) -> Any:
        if isinstance(value, time):
            return value
        try:
            clock = time.fromisoformat(value.strip())
        except ValueError:
            ctx.error(path, f"expected {self.expected}, got {quote(value)}")
            return INVALID
        if clock.tzinfo is not None:
            ctx.error(path, "give the time without an offset and the zone as timezone")
            return INVALID
        return clock


class Zone(Kind):
    """An IANA time zone name such as "Europe/Berlin", converted to a ZoneInfo."""

    expected = 'a time zone name like "Europe/Berlin"'

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def convert(self, value: str, path: KeyPath, ctx: Context) -> Any:
        name = value.strip()
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
        message = f"unknown time zone {quote(value)}"
        close = closest(name, zoneinfo.available_timezones())
        ctx.error(path, f"{message}; did you mean {quote(close)}?" if close else message)
        return INVALID
