"""Small declarative value kinds config validation is written in (`Table`, `Number`,
`Duration`...): each checks a value and converts it.

A kind's `check` returns the converted value or `INVALID`; it reports what is wrong to the
context instead of raising, so one pass finds every problem in a file.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from onwatch.config_locate import KeyPath
from onwatch.config_problems import INVALID, Context, format_key, quote, show_duration, show_number
from onwatch.incidents.timefmt import parse_duration


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
            limits = _range_text(self.low, self.high, self.low_open, show_duration)
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


class Seq(Kind):
    """An array whose items are all of one kind; returns the valid items as a tuple."""

    expected = "an array"

    def __init__(self, item: Kind, *, min_items: int = 0) -> None:
        self.item = item
        self.min_items = min_items

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list)

    def convert(self, value: list[Any], path: KeyPath, ctx: Context) -> Any:
        if len(value) < self.min_items:
            ctx.error(
                path,
                "must not be empty"
                if self.min_items == 1
                else f"needs at least {self.min_items} items",
            )
            return INVALID
        items = (self.item.check(item, (*path, index), ctx) for index, item in enumerate(value))
        return tuple(item for item in items if item is not INVALID)


class Entries(Kind):
    """A table of free-form names (headers, channels) to values of one kind."""

    def __init__(self, value: Kind, *, validate_name: Validator | None = None) -> None:
        self.value = value
        self.validate_name = validate_name

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict)

    def expected_in(self, ctx: Context) -> str:
        return "an object" if ctx.json else "a table"

    def convert(self, value: dict[str, Any], path: KeyPath, ctx: Context) -> Any:
        out: dict[str, Any] = {}
        for name, item in value.items():
            wrong = self.validate_name(name) if self.validate_name else None
            if wrong:
                ctx.error((*path, name), wrong)
                continue
            checked = self.value.check(item, (*path, name), ctx)
            if checked is not INVALID:
                out[name] = checked
        return out


_MISSING: Final = object()


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = False
    default: Any = _MISSING


class Table(Kind):
    """Known keys only: unknown ones are reported with the nearest known key as a hint.

    Returns a dict of the keys that checked out (defaults filled in); keys with errors are left
    out, and `Context.failed_under` tells a builder whether to go on.
    """

    def __init__(self, fields: Mapping[str, Field | Kind]) -> None:
        self.fields = {
            name: spec if isinstance(spec, Field) else Field(spec) for name, spec in fields.items()
        }

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict)

    def expected_in(self, ctx: Context) -> str:
        return "an object" if ctx.json else "a table"

    def convert(self, value: dict[str, Any], path: KeyPath, ctx: Context) -> Any:
        out: dict[str, Any] = {}
        for name, item in value.items():
            field = self.fields.get(name)
            if field is None:
                ctx.error((*path, name), unknown_key_message(name, self.fields))
                continue
            checked = field.kind.check(item, (*path, name), ctx)
            if checked is not INVALID:
                out[name] = checked
        for name, field in self.fields.items():
            if name in value:
                continue
            if field.required:
                ctx.error((*path, name), "required key is missing")
            elif field.default is not _MISSING:
                out[name] = field.default
        return out


def unknown_key_message(name: str, known: Iterable[str]) -> str:
    choices = sorted(known)
    by_case = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(name.lower(), list(by_case), n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {quote(by_case[close[0]])}?"
    if not choices:
        return "unknown key"
    return "unknown key; known keys are " + ", ".join(choices)


class TableArray(Kind):
    """`[[name]]` entries: an array of tables, each checked against one Table."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if value is INVALID:
            return INVALID
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            name = format_key(path)
            wanted = "an array of objects" if ctx.json else f"an array of tables ([[{name}]])"
            ctx.error(path, f"expected {wanted}, got {ctx.describe(value)}")
            return INVALID
        return tuple(self.table.check(entry, (*path, i), ctx) for i, entry in enumerate(value))


class Switchable(Kind):
    """A table that can also be `false` (off) or `true` (on with the built-in settings)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if value is INVALID:
            return INVALID
        if isinstance(value, bool):
            return {} if value else False
        if not isinstance(value, dict):
            ctx.error(path, f"expected a table or false, got {ctx.describe(value)}")
            return INVALID
        return self.table.check(value, path, ctx)
