"""Config sections for remote hosts: `[[agent]]` (an `onwatch agent`) and `[[prometheus]]`
(a node_exporter-style page). Both take the same per-metric tables as `[local]`."""

from __future__ import annotations

import re
from typing import Any

from onwatch.collectors.specs import AgentCheck, PrometheusCheck, PromRule
from onwatch.config_locate import KeyPath
from onwatch.config_problems import Context
from onwatch.config_schema import (
    Entries,
    Field,
    Flag,
    Number,
    Seq,
    Switchable,
    Table,
    TableArray,
    Text,
)
from onwatch.engine.specs import Watch
from onwatch.incidents.rules import Threshold

_SERIES_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def _series_name(text: str) -> str | None:
    if not _SERIES_NAME.match(text):
        return "expected a Prometheus metric name like node_network_up"
    return None


def host_metric_tables() -> dict[str, Any]:
    from onwatch.config_sections import LOCAL_METRICS

    return {metric: Switchable(spec.levels) for metric, spec in LOCAL_METRICS.items()}


def host_rules(values: dict[str, Any], path: KeyPath, ctx: Context) -> dict[str, Threshold]:
    """Thresholds for cpu, memory, swap, disk and load: the built-in ones, merged with the file's."""
    from onwatch.config_sections import LOCAL_METRICS
    from onwatch.config_thresholds import build_threshold

    rules: dict[str, Threshold] = {}
    for metric, spec in LOCAL_METRICS.items():
        given = values.get(metric, {})
        if given is False or ctx.failed_under((*path, metric)):
            continue
        rule = build_threshold(given, (*path, metric), ctx, spec.measure, spec.default)
        if rule is not None:
            rules[metric] = rule
    return rules


def agent_section() -> TableArray:
    from onwatch.config_sections import INTERVAL, TIMEOUT, check_name, http_url

    return TableArray(
        Table(
            {
                "name": Field(Text(validate=check_name), required=True),
                "url": Field(Text(validate=http_url), required=True),
                "token": Text(),
                "interval": INTERVAL,
                "timeout": TIMEOUT,
                **host_metric_tables(),
            }
        )
    )


def prometheus_section() -> TableArray:
    from onwatch.config_sections import INTERVAL, TIMEOUT, check_name, http_url

    rule = Table(
        {
            "metric": Field(Text(validate=_series_name), required=True),
            "labels": Entries(Text(allow_empty=True)),
            "warning": Number(),
            "critical": Number(),
            # For series where low is bad (node_network_up, free inodes).
            "below": Flag(),
        }
    )
    return TableArray(
        Table(
            {
                "name": Field(Text(validate=check_name), required=True),
                "url": Field(Text(validate=http_url), required=True),
                "interval": INTERVAL,
                "timeout": TIMEOUT,
                "rules": Seq(rule),
                **host_metric_tables(),
            }
        )
    )


def build_agents(
    entries: tuple[dict[str, Any], ...], path: KeyPath, draft: Any, ctx: Context
) -> None:
    for index, values in enumerate(entries):
        entry = (*path, index)
        name = values.get("name")
        if name is not None:
            draft.claim_name(name, (*entry, "name"), ctx)
        rules = host_rules(values, entry, ctx)
        if ctx.failed_under(entry) or name is None:
            continue
        probe = AgentCheck(
            name=name,
            url=values["url"].strip(),
            token=values.get("token"),
            timeout=values.get("timeout", draft.timeout),
        )
        draft.watches.append(Watch(probe, values.get("interval", draft.interval), rules))


def build_prometheus(
    entries: tuple[dict[str, Any], ...], path: KeyPath, draft: Any, ctx: Context
) -> None:
    for index, values in enumerate(entries):
        entry = (*path, index)
        name = values.get("name")
        if name is not None:
            draft.claim_name(name, (*entry, "name"), ctx)
        rules = host_rules(values, entry, ctx)
        extra: list[PromRule] = []
        for number, given in enumerate(values.get("rules", ())):
            where = (*entry, "rules", number)
            metric = given.get("metric")
            if metric is None:
                continue  # already reported
            if metric in rules:
                ctx.error((*where, "metric"), f"{metric} already has a rule in this check")
                continue
            try:
                rules[metric] = Threshold(
                    warning=given.get("warning"),
                    critical=given.get("critical"),
                    below=given.get("below", False),
                )
            except ValueError as exc:
                ctx.error(where, str(exc))
                continue
            extra.append(
                PromRule(
                    metric,
                    dict(given.get("labels", {})),
                    given.get("warning"),
                    given.get("critical"),
                )
            )
        if ctx.failed_under(entry) or name is None:
            continue
        probe = PrometheusCheck(
            name=name,
            url=values["url"].strip(),
            timeout=values.get("timeout", draft.timeout),
            rules=tuple(extra),
        )
        draft.watches.append(Watch(probe, values.get("interval", draft.interval), rules))
