"""`[[escalation]]`: policies saying which channels hear of an incident, and when.

The domain's `EscalationPolicy` and `Step` enforce their own rules and raise; the builders here
turn what they refuse into problems at the key that caused it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.problems import (
    INVALID,
    Context,
    closest,
    format_key,
    quote,
    without_subject,
)
from onwatch.config.schema import Duration, Number, Text
from onwatch.config.tables import Field, Positional, Table, TableArray, default_of
from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.escalation import MATCH_KEYS, EscalationPolicy, Step
from onwatch.incidents.silences import check_matchers
from onwatch.incidents.timefmt import exact_duration

SEED_POLICY = "seed escalation"
SEED_STEP_SPACING = timedelta(minutes=15)

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
        "repeat": Field(Number(0, integer=True), default=default_of(EscalationPolicy, "repeat")),
        "steps": Field(Positional(STEP, min_items=1), required=True),
    }
)


def build_escalation(
    entries: tuple[dict[str, Any], ...], path: KeyPath, draft: Draft, ctx: Context
) -> None:
    for index, values in enumerate(entries):
        entry = (*path, index)
        name = values.get("name")
        if name is not None:
            _claim_policy_name(name.strip(), (*entry, "name"), draft, ctx)
        match = matchers(values.get("match", {}), (*entry, "match"), MATCH_KEYS, ctx)
        steps = _steps(values.get("steps", ()), (*entry, "steps"), draft, ctx)
        if ctx.failed_under(entry) or name is None:
            continue
        repeat = values["repeat"]
        try:
            policy = EscalationPolicy(name.strip(), match, steps, repeat)
        except InvalidInput as exc:
            where = _blame_policy(steps, repeat, entry)
            ctx.error(where, without_subject(str(exc), f"escalation policy {name.strip()!r}"))
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
    # A step names a channel or a role; a role that failed to build is reported already.
    roles = draft.notify.roles
    if name in draft.channels or name in roles or not draft.notify.channels_known:
        return
    if ctx.failed_under(("notify", "channels", name)) or ctx.failed_under(("roles", name)):
        return  # it exists but is broken, and that is reported already
    known = [*draft.channels, *roles]
    message = f"unknown channel or role {quote(name)}"
    close = closest(name, known)
    if close:
        message += f"; did you mean {quote(close)}?"
    elif known:
        message += "; configured channels and roles are " + ", ".join(sorted(known))
    else:
        message += "; add it under [notify.channels] or [roles]"
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


def matchers(
    given: Mapping[str, str], path: KeyPath, allowed: frozenset[str], ctx: Context
) -> dict[str, str]:
    # One key at a time, so a pattern the domain refuses is reported at its own key.
    checked: dict[str, str] = {}
    subject = "match"
    for key, pattern in given.items():
        try:
            checked.update(check_matchers({key: pattern}, allowed, what=subject))
        except InvalidInput as exc:
            ctx.error((*path, key), without_subject(str(exc), subject))
    return checked


def seed_policy(names: list[str]) -> EscalationPolicy | None:
    """The seed JSON's escalation list as a policy for every incident: one step per name,
    15 minutes apart. A name is a role's when the seed has one of that name, else a channel
    without an address yet, which the dispatcher reports."""
    if not names:
        return None
    steps = tuple(Step(SEED_STEP_SPACING * i, (name,)) for i, name in enumerate(names))
    return EscalationPolicy(SEED_POLICY, {}, steps)


# --- check-config ---------------------------------------------------------------------------


def summarize_escalation(config: Config) -> list[str]:
    lines = [_describe_policy(policy) for policy in config.notify.policies]
    # The seed's list is shown as the policy it became; this covers Configs made by hand.
    if config.escalation and not config.notify.policies:
        lines.append("escalation: " + " -> ".join(config.escalation))
    return lines


def _describe_policy(policy: EscalationPolicy) -> str:
    match = ", ".join(f"{key}={pattern}" for key, pattern in sorted(policy.match.items()))
    steps = " -> ".join(
        f"{_show_after(step.after)} {'+'.join(step.notify)}" for step in policy.steps
    )
    return f"escalation {policy.name} ({match or 'everything'}): {steps}, repeat {policy.repeat}"


def _show_after(after: timedelta) -> str:
    # Steps are written in minutes, so "0m" reads as the config does; show_duration says "0s".
    return "0m" if after == timedelta(0) else exact_duration(after)


# After [notify]: steps name its channels.
SECTION = Section("escalation", TableArray(ESCALATION), build_escalation)
