"""A whole TOML document: its sections in the order they are built, and the summary
`check-config` prints of the result.

A new top-level key is a module with its `Section` (its keys, builder and summary line) and
one entry in `SECTIONS`; unknown-key hints and line numbers come with it.
"""

from __future__ import annotations

from typing import Any

from onwatch.config import (
    agent,
    alertmanager,
    escalation,
    general,
    heartbeat,
    http,
    lifecycle,
    local,
    maintenance,
    notify,
    prometheus,
    roles,
    serve,
    tcp,
)
from onwatch.config.actions import describe_actions
from onwatch.config.checks import every
from onwatch.config.model import Config, Draft, Section
from onwatch.config.problems import Context
from onwatch.config.tables import Table
from onwatch.engine.specs import Watch

SECTIONS: tuple[Section, ...] = (
    general.OPERATOR,
    general.DB,
    general.DEFAULTS,
    local.SECTION,
    http.SECTION,
    tcp.SECTION,
    agent.SECTION,
    prometheus.SECTION,
    # Channels come before escalation: steps name them.
    notify.SECTION,
    # Roles name channels, and steps name both.
    roles.SECTION,
    escalation.SECTION,
    lifecycle.SECTION,
    maintenance.SECTION,
    serve.SECTION,
    alertmanager.SECTION,
    heartbeat.SECTION,
)

DOCUMENT = Table({section.key: section.kind for section in SECTIONS})


def build_document(raw: dict[str, Any], draft: Draft, ctx: Context) -> None:
    values = DOCUMENT.check(raw, (), ctx)
    for section in SECTIONS:
        if section.key in raw and section.key not in values:
            continue  # already reported as the wrong type
        value = values.get(section.key, section.absent)
        if value is not None:
            section.build(value, (section.key,), draft, ctx)


def summarize(config: Config) -> list[str]:
    """Short lines saying what will be watched and where things go, for `check-config`."""
    lines = [f"config: {config.file}" if config.file else "config: built-in default (no file)"]
    lines.extend(local.unwatched(config))
    for watch in config.watches:
        lines.append(_describe_watch(watch, config))
        lines.extend(describe_actions(watch))
    for part in (
        general.summarize_general,
        notify.summarize_notify,
        roles.summarize_roles,
        escalation.summarize_escalation,
        maintenance.summarize_maintenance,
        lifecycle.summarize_lifecycle,
        notify.summarize_bell,
        serve.summarize_serve,
        alertmanager.summarize_alertmanager,
        heartbeat.summarize_heartbeat,
    ):
        lines.extend(part(config))
    return lines


def _describe_watch(watch: Watch, config: Config) -> str:
    for section in SECTIONS:
        if section.probe and section.describe and isinstance(watch.probe, section.probe):
            return section.describe(watch, config)
    return f"{watch.name}: {every(watch)}"
