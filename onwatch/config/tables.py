"""The shapes values come in: tables of known keys, arrays, free-form entries.

Like the value kinds in `schema`, each reports what is wrong to the context and returns
`INVALID` instead of raising; a table leaves out the keys that failed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from onwatch.config.locate import KeyPath
from onwatch.config.problems import INVALID, Context, closest, format_key, quote
from onwatch.config.schema import Kind, Validator


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


class Positional(Seq):
    """Like `Seq`, but a wrong item stays in its place as INVALID, so a builder that reports
    something about a later item still names the right index."""

    def convert(self, value: list[Any], path: KeyPath, ctx: Context) -> Any:
        if len(value) < self.min_items:
            wanted = f"needs at least {self.min_items} items"
            ctx.error(path, "must not be empty" if self.min_items == 1 else wanted)
            return INVALID
        return tuple(self.item.check(item, (*path, i), ctx) for i, item in enumerate(value))


_MISSING: Final = object()


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = False
    default: Any = _MISSING


def default_of(spec: type, name: str) -> Any:
    """The default a spec dataclass gives field `name`, so the config never restates it."""
    (found,) = (field for field in dataclasses.fields(spec) if field.name == name)
    if found.default is not dataclasses.MISSING:
        return found.default
    return found.default_factory()  # type: ignore[misc]


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
    close = closest(name, choices)
    if close:
        return f"unknown key; did you mean {quote(close)}?"
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
