"""`[[maintenance]]`: windows, one-off or weekly, in which matching incidents are muted.

The domain's `Maintenance` and `WeeklyWindow` enforce their own rules and raise; the builders
here turn what they refuse into problems at the key that caused it.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from onwatch.config.escalation import matchers
from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.problems import INVALID, Context
from onwatch.config.schema import ClockTime, Instant, Text, Zone
from onwatch.config.tables import Field, Positional, Table, TableArray
from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.silences import SILENCE_KEYS, Maintenance, WeeklyWindow

_ONE_OFF_KEYS = ("start", "end")
_WEEKLY_KEYS = ("days", "from", "to")

MAINTENANCE = Table(
    {
        "name": Text(),
        "match": Field(Table({key: Text() for key in SILENCE_KEYS}), required=True),
        "start": Instant(),
        "end": Instant(),
        "days": Positional(Text(), min_items=1),
        "from": ClockTime(),
        "to": ClockTime(),
        "timezone": Zone(),
    }
)


def build_maintenance(
    entries: tuple[dict[str, Any], ...], path: KeyPath, draft: Draft, ctx: Context
) -> None:
    for index, values in enumerate(entries):
        _build_one_window(values, (*path, index), index, draft, ctx)


def _build_one_window(
    values: dict[str, Any], entry: KeyPath, index: int, draft: Draft, ctx: Context
) -> None:
    match = matchers(values.get("match", {}), (*entry, "match"), SILENCE_KEYS, ctx)
    if "match" in values and not values["match"] and not ctx.failed_under((*entry, "match")):
        # Said here rather than left to Maintenance, so it comes with the other problems.
        ctx.error((*entry, "match"), 'must not be empty: name what it mutes, e.g. source = "web-*"')
    days = _days(values.get("days", ()), (*entry, "days"), ctx)
    # Judged on what the file says, so a key with a bad value still counts as given.
    given = {
        key
        for key in (*_ONE_OFF_KEYS, *_WEEKLY_KEYS, "timezone")
        if key in values or ctx.failed_under((*entry, key))
    }
    one_off = given & set(_ONE_OFF_KEYS)
    weekly = given & {*_WEEKLY_KEYS, "timezone"}
    if one_off and weekly:
        ctx.error(
            entry,
            "give start and end for a one-off window or days, from and to for a weekly one, "
            "not both",
        )
        return
    if not one_off and not weekly:
        ctx.error(entry, "needs start and end (one-off) or days, from and to (weekly)")
        return
    for key in _ONE_OFF_KEYS if one_off else _WEEKLY_KEYS:
        if key not in given:
            ctx.error((*entry, key), "required key is missing")
    if ctx.failed_under(entry):
        return
    name = values.get("name", f"#{index + 1}").strip()
    try:
        if one_off:
            window = Maintenance(match, values["start"], values["end"], name=name)
        else:
            # Without a timezone key the window keeps its own default, UTC.
            zone = {"tz": values["timezone"]} if "timezone" in values else {}
            clock = WeeklyWindow(frozenset(days), values["from"], values["to"], **zone)
            window = Maintenance(match, weekly=clock, name=name)
    except InvalidInput as exc:
        # Everything else was checked key by key above; what is left is the empty match the
        # window refuses, or a one-off window that ends before it starts.
        where = (*entry, "match") if not match else (*entry, "end") if one_off else entry
        ctx.error(where, str(exc))
        return
    draft.notify.maintenance.append(window)


def _days(given: tuple[Any, ...], path: KeyPath, ctx: Context) -> list[str]:
    days: list[str] = []
    for index, day in enumerate(given):
        if day is INVALID:
            continue
        # The window itself knows which spellings of a day it takes.
        try:
            WeeklyWindow(frozenset({day}), time(), time())
        except InvalidInput as exc:
            ctx.error((*path, index), str(exc))
            continue
        days.append(day)
    return days


def summarize_maintenance(config: Config) -> list[str]:
    return [window.describe() for window in config.notify.maintenance]


SECTION = Section("maintenance", TableArray(MAINTENANCE), build_maintenance)
