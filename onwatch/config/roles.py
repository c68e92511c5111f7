"""`[roles]`: the people who take part in a response and how each role is told.

    [roles]
    service_desk = { members = ["ana", "ben"], notify = ["oncall"] }
    it_support = { members = ["carl"], notify = ["mailto://${IT_MAIL}"] }

A `notify` entry is a channel name from `[notify.channels]` or an apprise URL, checked as
channel URLs are and, like them, never repeated by any message or by `check-config`. A role and
a channel may not share a name: an escalation step names either, and must mean one thing.
"""

from __future__ import annotations

from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.notify import unusable
from onwatch.config.problems import INVALID, Context, closest, quote
from onwatch.config.schema import Text
from onwatch.config.tables import Entries, Field, Seq, Table
from onwatch.incidents.people import Role
from onwatch.notify.channels import Channel


def _role_name(text: str) -> str:
    # Hand-overs are written "handed over to ROLE: note", so a colon would make that ambiguous.
    if not text.strip():
        return "role names must not be empty"
    return "role names cannot contain ':'" if ":" in text else ""


ROLE = Table(
    {
        "members": Field(Seq(Text()), default=()),
        "notify": Field(Seq(Text()), default=()),
    }
)

ROLES = Entries(ROLE, validate_name=lambda text: _role_name(text) or None)


def is_url(target: str) -> bool:
    return "://" in target


def build_roles(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    for name, spec in values.items():
        where = (*path, name)
        if name in draft.channels:
            ctx.error(where, f"{quote(name)} is a channel too; give the role another name")
            continue
        targets = _targets(name, spec.get("notify", ()), (*where, "notify"), draft, ctx)
        members = tuple(member.strip() for member in spec.get("members", ()))
        if targets is INVALID or ctx.failed_under(where):
            continue
        draft.notify.roles[name] = Role(name, members, targets)


def _targets(role: str, given: tuple[str, ...], path: KeyPath, draft: Draft, ctx: Context) -> Any:
    targets: list[str] = []
    for index, target in enumerate(given):
        target = target.strip()
        if is_url(target):
            wrong = unusable(Channel(role, target))
            if wrong:
                ctx.error((*path, index), wrong)
                return INVALID
        elif target not in draft.channels and draft.notify.channels_known:
            ctx.error((*path, index), _unknown_channel(target, draft))
            return INVALID
        targets.append(target)
    return tuple(targets)


def _unknown_channel(name: str, draft: Draft) -> str:
    message = f"unknown channel {quote(name)}"
    close = closest(name, draft.channels)
    if close:
        return message + f"; did you mean {quote(close)}?"
    return (
        message + '; name a channel of [notify.channels] or write an apprise URL ("mailto://...")'
    )


# --- check-config ---------------------------------------------------------------------------


def summarize_roles(config: Config) -> list[str]:
    # Members and the channels named; a URL only as "1 address", it may hold a secret.
    return [_describe_role(role) for role in config.notify.roles]


def _describe_role(role: Role) -> str:
    members = ", ".join(role.members) or "no members"
    names = [target for target in role.notify if not is_url(target)]
    addresses = len(role.notify) - len(names)
    if addresses:
        names.append(f"{addresses} address" + ("es" if addresses > 1 else ""))
    told = ", ".join(names) or "nobody"
    return f"role {role.name}: {members}; notifies {told}"


# After [notify]: roles name its channels. Before [[escalation]]: steps name roles.
SECTION = Section("roles", ROLES, build_roles)
