"""The seed JSON format the project started from, kept working as it is:

    {"alertCriteria": {"cpuThreshold": 80, "memoryThreshold": 75},
     "notification": {"channels": ["email", "slack"], "escalation": ["teamLead", "ITSupport"]},
     "roles": {"teamLead": {"members": ["ana"], "notify": ["mailto://lead@example.com"]}}}

The thresholds become the critical levels of cpu and memory on this host; everything else is
the built-in default. Channels and escalation steps are names without addresses, so each one
is kept (address "") and reported as a warning pointing at the TOML format, which has room
for the address. The escalation list also becomes the "seed escalation" policy (one step per
name, 15 minutes apart, for every incident), so the order it gives is followed. `"roles"` has
the shape of the TOML `[roles]` table; an escalation name that is a role's notifies that role.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from onwatch.config.document import build_document
from onwatch.config.escalation import seed_policy
from onwatch.config.local import LOCAL_METRICS
from onwatch.config.locate import KeyPath
from onwatch.config.model import Draft
from onwatch.config.problems import Context, format_key
from onwatch.config.roles import ROLES, build_roles
from onwatch.config.schema import Number, Text
from onwatch.config.tables import Seq, Table
from onwatch.config.thresholds import build_threshold

_THRESHOLDS = {"cpuThreshold": "cpu", "memoryThreshold": "memory"}

SEED = Table(
    {
        "alertCriteria": Table({key: Number(0, 100) for key in _THRESHOLDS}),
        "notification": Table({"channels": Seq(Text()), "escalation": Seq(Text())}),
        "roles": ROLES,
    }
)


def build_seed(raw: Any, draft: Draft, ctx: Context) -> None:
    values = SEED.check(raw, (), ctx)
    if not isinstance(values, dict):
        return  # not an object at all; already reported
    build_document({}, draft, ctx)
    criteria = values.get("alertCriteria", {})
    local = draft.watches[0]
    rules = dict(local.rules)
    for key, metric in _THRESHOLDS.items():
        if key not in criteria:
            continue
        path: KeyPath = ("alertCriteria", key)
        spec = LOCAL_METRICS[metric]
        given = {"critical": criteria[key]}
        # One key per threshold here, so messages about any level point at that key.
        rule = build_threshold(given, path, ctx, spec.measure, spec.default, at=lambda _, p=path: p)
        if rule is not None:
            rules[metric] = rule
    draft.watches[0] = dataclasses.replace(local, rules=rules)

    notification = values.get("notification", {})
    for index, name in enumerate(notification.get("channels", ())):
        _name_channel(name, ("notification", "channels", index), draft, ctx)
    # After the channels: a role may not share a channel's name.
    build_roles(values.get("roles", {}), ("roles",), draft, ctx)
    for index, name in enumerate(notification.get("escalation", ())):
        if name not in draft.notify.roles and not ctx.failed_under(("roles", name)):
            _name_channel(name, ("notification", "escalation", index), draft, ctx)
        draft.escalation.append(name)
    policy = seed_policy(draft.escalation)
    if policy is not None:
        draft.notify.policies.append(policy)


def _name_channel(name: str, path: KeyPath, draft: Draft, ctx: Context) -> None:
    key = format_key(path[:-1])
    if name in draft.channels:
        if path[1] == "channels":
            ctx.error(path, f'channel "{name}" is listed twice', key=key)
        return
    draft.channels[name] = ""
    if path[1] == "channels":
        message = (
            f'channel "{name}" has no address yet; add it under [notify.channels] in a TOML config'
        )
    else:
        message = (
            f'escalation step "{name}" is neither a role nor a channel with an address; '
            'add it under "roles" here or [notify.channels] in a TOML config'
        )
    ctx.warn(path, message, key=key)
