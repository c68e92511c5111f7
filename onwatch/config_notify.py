"""Config sections for who is told and when: `[notify]` (channels, reminders, storms),
`[[escalation]]` policies and `[[maintenance]]` windows.

The domain objects (`Channel`, `EscalationPolicy`, `Maintenance`, `WeeklyWindow`) enforce their
own rules and raise; the builders here turn what they refuse into problems at the key that
caused it. Channel URLs are secrets: no message here ever repeats one, whatever went wrong.
"""

from __future__ import annotations

import dataclasses
import difflib
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from onwatch.config_locate import KeyPath
from onwatch.config_problems import INVALID, Context, format_key, quote
from onwatch.config_schema import (
    Choice,
    Duration,
    Entries,
    Field,
    Flag,
    Kind,
    Number,
    Seq,
    Table,
    Text,
)
from onwatch.engine.specs import NotifySettings
from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.escalation import MATCH_KEYS, EscalationPolicy, Step
from onwatch.incidents.model import Severity
from onwatch.incidents.silences import SILENCE_KEYS, Maintenance, WeeklyWindow, check_matchers
from onwatch.notify.channels import AppriseSender, Channel, InvalidChannel
from onwatch.notify.redact import Redactor

if TYPE_CHECKING:
    from onwatch.config_sections import Draft

SEED_POLICY = "seed escalation"
SEED_STEP_SPACING = timedelta(minutes=15)
SEVERITIES = tuple(severity.value for severity in Severity)
_AT_LEAST_A_MINUTE = timedelta(minutes=1)
_EXAMPLE_INSTANT = "2026-12-01T02:00:00Z"


@dataclass
class NotifyDraft:
    """The notification part of a config as it is being built."""

    # Scalar settings start from NotifySettings' own defaults, so they live in one place.
    settings: NotifySettings = field(default_factory=NotifySettings)
    channels: dict[str, Channel] = field(default_factory=dict)
    policies: list[EscalationPolicy] = field(default_factory=list)
    maintenance: list[Maintenance] = field(default_factory=list)
    policy_names: dict[str, KeyPath] = field(default_factory=dict)
    channels_known: bool = False
    """Whether the channels could be read; if not ([notify] or its channels table had the wrong
    type), no step can be said to name an unknown one."""

    def freeze(self) -> NotifySettings:
        return dataclasses.replace(
            self.settings,
            channels=tuple(self.channels.values()),
            policies=tuple(self.policies),
            maintenance=tuple(self.maintenance),
        )


# --- kinds ----------------------------------------------------------------------------------


def channel_address(text: str) -> str | None:
    # Addresses often carry tokens, so the message never repeats the value.
    if "://" not in text:
        return 'expected an apprise URL such as "mailto://user@example.com"'
    return None


def _channel_name(text: str) -> str | None:
    # Steps name channels by these keys, and a step cannot name a blank one.
    return "channel names must not be empty" if not text.strip() else None


class Positional(Seq):
    """Like `Seq`, but a wrong item stays in its place as INVALID, so a builder that reports
    something about a later item still names the right index."""

    def convert(self, value: list[Any], path: KeyPath, ctx: Context) -> Any:
        if len(value) < self.min_items:
            wanted = f"needs at least {self.min_items} items"
            ctx.error(path, "must not be empty" if self.min_items == 1 else wanted)
            return INVALID
        return tuple(self.item.check(item, (*path, i), ctx) for i, item in enumerate(value))


_CHANNEL_URL = Text(validate=channel_address)
CHANNEL_TABLE = Table(
    {
        "url": Field(_CHANNEL_URL, required=True),
        "min_severity": Choice(SEVERITIES),
        "send_resolved": Flag(),
    }
)


class ChannelSpec(Kind):
    """`name = "slack://..."` or `name = { url = "...", min_severity = "critical" }`; both
    come out as the table form."""

    expected = "an apprise URL or a table with url"

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if isinstance(value, str):
            url = _CHANNEL_URL.check(value, path, ctx)
            return INVALID if url is INVALID else {"url": url}
        if isinstance(value, dict):
            return CHANNEL_TABLE.check(value, path, ctx)
        if value is INVALID:
            return INVALID
        ctx.error(path, f"expected {self.expected}, got {ctx.describe(value)}")
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
        close = _closest(name, zoneinfo.available_timezones())
        ctx.error(path, f"{message}; did you mean {quote(close)}?" if close else message)
        return INVALID


NOTIFY = Table(
    {
        "bell": Flag(),
        "desktop": Flag(),
        "renotify": Duration(_AT_LEAST_A_MINUTE),
        "renotify_backoff": Number(1.0),
        "ack_timeout": Duration(_AT_LEAST_A_MINUTE),
        "send_resolved": Flag(),
        "storm_threshold": Number(1, integer=True),
        "channels": Entries(ChannelSpec(), validate_name=_channel_name),
    }
)

STEP = Table(
    {
        "after": Field(Duration(), required=True),
        "notify": Field(Positional(Text(), min_items=1), required=True),
    }
)

ESCALATION = Table(
    {
        "name": Field(Text(), required=True),
        "match": Field(Table({key: Text() for key in MATCH_KEYS}), default={}),
        "repeat": Field(Number(0, integer=True), default=0),
        "steps": Field(Positional(STEP, min_items=1), required=True),
    }
)

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


# --- builders -------------------------------------------------------------------------------


def build_notify(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    draft.bell = values.get("bell", draft.bell)
    notify = draft.notify
    options = {
        key: values[key]
        for key in ("desktop", "renotify", "renotify_backoff", "ack_timeout", "storm_threshold")
        if key in values
    }
    if "renotify_backoff" in values and "renotify" not in values:
        del options["renotify_backoff"]
        # A bad renotify is reported already; a missing one makes the backoff meaningless.
        if not ctx.failed_under((*path, "renotify")):
            ctx.error((*path, "renotify_backoff"), 'needs renotify too, e.g. renotify = "30m"')
    notify.settings = dataclasses.replace(notify.settings, **options)
    channels_path = (*path, "channels")
    if "channels" not in values and ctx.failed_under(channels_path):
        return
    notify.channels_known = True
    send_resolved = values.get("send_resolved", False)
    for name, spec in values.get("channels", {}).items():
        url = spec.get("url")
        if url is None:
            continue  # already reported as missing
        url = url.strip()
        draft.channels[name] = url
        channel = Channel(
            name,
            url,
            Severity(spec.get("min_severity", Severity.INFO.value)),
            spec.get("send_resolved", send_resolved),
        )
        wrong = _unusable(channel)
        if wrong:
            ctx.error((*channels_path, name), wrong)
        else:
            notify.channels[name] = channel


def _unusable(channel: Channel) -> str | None:
    """Why apprise cannot send to `channel`, in words that never include its URL."""
    try:
        AppriseSender(channel)
    except InvalidChannel as exc:
        text = str(exc).removeprefix(f"channel {channel.name}: ")
        # The sender promises not to include the URL; the redactor makes sure of it.
        return Redactor.for_urls([channel.url]).redact(text)
    except Exception:  # apprise plugins parse URLs their own way; any failure is a refusal
        return "not a notification URL apprise understands"
    return None


def build_escalation(
    entries: tuple[dict[str, Any], ...], path: KeyPath, draft: Draft, ctx: Context
) -> None:
    for index, values in enumerate(entries):
        entry = (*path, index)
        name = values.get("name")
        if name is not None:
            _claim_policy_name(name.strip(), (*entry, "name"), draft, ctx)
        match = _matchers(values.get("match", {}), (*entry, "match"), MATCH_KEYS, ctx)
        steps = _steps(values.get("steps", ()), (*entry, "steps"), draft, ctx)
        if ctx.failed_under(entry) or name is None:
            continue
        repeat = values["repeat"]
        try:
            policy = EscalationPolicy(name.strip(), match, steps, repeat)
        except InvalidInput as exc:
            where = _blame_policy(steps, repeat, entry)
            ctx.error(where, _without_subject(str(exc), f"escalation policy {name.strip()!r}"))
            continue
        draft.notify.policies.append(policy)


def _claim_policy_name(name: str, path: KeyPath, draft: Draft, ctx: Context) -> None:
    # The TUI and the timeline name the policy an incident follows, so two must not share one.
    first = draft.notify.policy_names.setdefault(name, path)
    if first == path:
        return
    line = ctx.locator.line(first)
    where = format_key(first) + (f", line {line}" if line else "")
    ctx.error(path, f"duplicate policy name {quote(name)} (first used at {where})")


def _steps(given: tuple[Any, ...], path: KeyPath, draft: Draft, ctx: Context) -> tuple[Step, ...]:
    steps: list[Step] = []
    for index, values in enumerate(given):
        where = (*path, index)
        if values is INVALID:
            continue
        names = values.get("notify", ())
        for number, channel in enumerate(names):
            if channel is not INVALID:
                _check_channel(channel.strip(), (*where, "notify", number), draft, ctx)
        if "after" not in values or ctx.failed_under(where):
            continue
        try:
            steps.append(Step(values["after"], tuple(names)))
        except InvalidInput as exc:
            ctx.error(where, str(exc))
    return tuple(steps)


def _check_channel(name: str, path: KeyPath, draft: Draft, ctx: Context) -> None:
    if name in draft.channels or not draft.notify.channels_known:
        return
    if ctx.failed_under(("notify", "channels", name)):
        return  # the channel exists but is broken, and that is reported already
    message = f"unknown channel {quote(name)}"
    close = _closest(name, draft.channels)
    if close:
        message += f"; did you mean {quote(close)}?"
    elif draft.channels:
        message += "; configured channels are " + ", ".join(sorted(draft.channels))
    else:
        message += "; add it under [notify.channels]"
    ctx.error(path, message)


def _blame_policy(steps: tuple[Step, ...], repeat: int, entry: KeyPath) -> KeyPath:
    """The key an EscalationPolicy refusal is about, found by asking the policy itself about
    ever larger parts of the entry rather than restating its rules here."""
    for end in range(1, len(steps) + 1):
        try:
            EscalationPolicy("probe", {}, steps[:end])
        except InvalidInput:
            return (*entry, "steps", end - 1, "after")
    if not steps:
        return (*entry, "steps")
    try:
        EscalationPolicy("probe", {}, steps, repeat)
    except InvalidInput:
        return (*entry, "repeat")
    return (*entry, "match")


def _matchers(
    given: Mapping[str, str], path: KeyPath, allowed: frozenset[str], ctx: Context
) -> dict[str, str]:
    # One key at a time, so a pattern the domain refuses is reported at its own key.
    checked: dict[str, str] = {}
    subject = "match"
    for key, pattern in given.items():
        try:
            checked.update(check_matchers({key: pattern}, allowed, what=subject))
        except InvalidInput as exc:
            ctx.error((*path, key), _without_subject(str(exc), subject))
    return checked


def build_maintenance(
    entries: tuple[dict[str, Any], ...], path: KeyPath, draft: Draft, ctx: Context
) -> None:
    for index, values in enumerate(entries):
        _build_one_window(values, (*path, index), index, draft, ctx)


def _build_one_window(
    values: dict[str, Any], entry: KeyPath, index: int, draft: Draft, ctx: Context
) -> None:
    match = _matchers(values.get("match", {}), (*entry, "match"), SILENCE_KEYS, ctx)
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


# --- the seed -------------------------------------------------------------------------------


def seed_policy(names: list[str]) -> EscalationPolicy | None:
    """The seed JSON's escalation list as a policy for every incident: one step per name,
    15 minutes apart. Its channels have no address yet; the dispatcher reports them."""
    if not names:
        return None
    steps = tuple(Step(SEED_STEP_SPACING * i, (name,)) for i, name in enumerate(names))
    return EscalationPolicy(SEED_POLICY, {}, steps)


# --- helpers --------------------------------------------------------------------------------


def _closest(name: str, known: Iterable[str]) -> str | None:
    by_case = {choice.lower(): choice for choice in sorted(known)}
    close = difflib.get_close_matches(name.lower(), list(by_case), n=1, cutoff=0.6)
    return by_case[close[0]] if close else None


def _without_subject(message: str, subject: str) -> str:
    # The domain names the object in its messages; the problem's key already does.
    if message.startswith(subject):
        return message[len(subject) :].lstrip(": ")
    return message
