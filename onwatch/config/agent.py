"""`[[agent]]`: a remote `onwatch agent`, polled for its host's sample, with the same
per-metric tables as `[local]`."""

from __future__ import annotations

from typing import Any

from onwatch.collectors.specs import AgentCheck
from onwatch.config.checks import (
    GUIDE,
    NAME,
    SCHEDULE,
    URL,
    add_watch,
    claim,
    describe_rules,
    every,
    without_password,
)
from onwatch.config.local import LOCAL_METRICS, host_metric_tables, host_rules
from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.predictions import HOST_KEYS, describe_predictions, forecast_spec
from onwatch.config.problems import Context
from onwatch.config.schema import Text
from onwatch.config.tables import Table, TableArray
from onwatch.engine.specs import Watch

AGENT = Table(
    {
        "name": NAME,
        "url": URL,
        "token": Text(),
        **SCHEDULE,
        **host_metric_tables(),
        **HOST_KEYS,
        **GUIDE,
    }
)


def build_agents(
    entries: tuple[dict[str, Any], ...], path: KeyPath, draft: Draft, ctx: Context
) -> None:
    for index, values in enumerate(entries):
        entry = (*path, index)
        name = claim(values, entry, draft, ctx)
        rules = host_rules(values, entry, ctx)
        forecast = forecast_spec(
            values, entry, draft, ctx, known=LOCAL_METRICS, on_by_default=False
        )
        if ctx.failed_under(entry) or name is None:
            continue
        probe = AgentCheck(
            name=name,
            url=values["url"].strip(),
            token=values.get("token"),
            timeout=values.get("timeout", draft.timeout),
        )
        add_watch(values, probe, draft, rules, forecast)


def describe_agent(watch: Watch, config: Config) -> str:
    probe = watch.probe
    assert isinstance(probe, AgentCheck)
    # Whether a token is set, never the token.
    auth = ", token set" if probe.token else ""
    url = without_password(probe.url)
    text = f"agent {probe.name}: {url} {every(watch)}{auth}; {describe_rules(watch)}"
    predictions = describe_predictions(watch)
    return f"{text}; {predictions}" if predictions else text


SECTION = Section(
    "agent", TableArray(AGENT), build_agents, probe=AgentCheck, describe=describe_agent
)
