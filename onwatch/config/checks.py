"""What every kind of check shares: its name, schedule and timeout keys, and how it is shown."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from onwatch.collectors.specs import Probe
from onwatch.config.actions import ACTIONS
from onwatch.config.locate import KeyPath
from onwatch.config.model import Draft
from onwatch.config.problems import Context
from onwatch.config.schema import Duration, Kind, Text
from onwatch.config.tables import Field, Seq
from onwatch.config.thresholds import describe_threshold
from onwatch.engine.specs import Watch
from onwatch.incidents.checklist import MAX_ITEM
from onwatch.incidents.forecast import ForecastSpec
from onwatch.incidents.rules import Threshold
from onwatch.incidents.timefmt import exact_duration

INTERVAL = Duration(timedelta(seconds=1), timedelta(days=1))
TIMEOUT = Duration(timedelta(0), timedelta(minutes=5), low_open=True)


def http_url(text: str) -> str | None:
    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f'"{parts.scheme}://"' if parts.scheme else "no scheme"
        return f"expected an http:// or https:// URL, got {scheme}"
    if not parts.hostname:
        return "URL has no host"
    try:
        parts.port  # noqa: B018 - urlsplit only checks the port when asked for it
    except ValueError:
        return "URL has an invalid port"
    if any(char.isspace() for char in text.strip()):
        return "URL must not contain spaces"
    return None


def check_name(text: str) -> str | None:
    # "/" separates source, check and metric in incident fingerprints.
    return 'must not contain "/"' if "/" in text else None


NAME = Field(Text(validate=check_name), required=True)
URL = Field(Text(validate=http_url), required=True)


def checklist_item(text: str) -> str | None:
    if len(text) > MAX_ITEM or "\n" in text:
        return f"a checklist item is one line of at most {MAX_ITEM} characters"
    return None


GUIDE: Mapping[str, Field | Seq | Text] = {
    "checklist": Seq(Text(validate=checklist_item)),
    "runbook": URL.kind,
}
"""`checklist = [...]` and `runbook`, which every kind of check takes: what an incident's
checklist adds to the defaults."""

SCHEDULE: Mapping[str, Field | Kind] = {
    "interval": INTERVAL,
    "timeout": TIMEOUT,
    "actions": ACTIONS,
}
"""`interval`, `timeout` and `actions`, which every network check takes and `[defaults]` sets
for all."""


def claim(values: dict[str, Any], entry: KeyPath, draft: Draft, ctx: Context) -> str | None:
    """The entry's name, claimed for it (None when it has none that checked out)."""
    name = values.get("name")
    if name is not None:
        draft.claim_name(name, (*entry, "name"), ctx)
    return name


def add_watch(
    values: dict[str, Any],
    probe: Probe,
    draft: Draft,
    rules: dict[str, Threshold] | None = None,
    forecast: ForecastSpec | None = None,
) -> None:
    """The check on its own interval, else the `[defaults]` one."""
    interval = values.get("interval", draft.interval)
    anomaly = bool(values.get("anomaly", False))
    actions = values.get("actions", draft.actions)
    draft.watches.append(
        Watch(probe, interval, rules or {}, forecast=forecast, anomaly=anomaly, actions=actions)
    )
    items = values.get("checklist", ())
    if items:
        # dict.fromkeys: an item written twice is one line to tick.
        draft.checklists[probe.name] = tuple(dict.fromkeys(" ".join(i.split()) for i in items))
    if "runbook" in values:
        draft.runbooks[probe.name] = values["runbook"].strip()


def every(watch: Watch) -> str:
    return f"every {exact_duration(watch.interval)}"


def describe_rules(watch: Watch) -> str:
    return ", ".join(f"{metric} {describe_threshold(rule)}" for metric, rule in watch.rules.items())


def without_password(url: str) -> str:
    """The URL as a summary may show it: a password in it becomes ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
