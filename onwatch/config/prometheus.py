"""`[[prometheus]]`: a node_exporter-style `/metrics` page, read with the same per-metric
tables as `[local]` plus rules for any other series."""

from __future__ import annotations

import re
from typing import Any

from onwatch.collectors.specs import PrometheusCheck, PromRule
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
from onwatch.config.schema import Flag, Number, Text
from onwatch.config.tables import Entries, Field, Seq, Table, TableArray
from onwatch.engine.specs import Watch
from onwatch.incidents.rules import Threshold

_SERIES_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def series_name(text: str) -> str | None:
    if not _SERIES_NAME.match(text):
        return "expected a Prometheus metric name like node_network_up"
    return None


RULE = Table(
    {
        "metric": Field(Text(validate=series_name), required=True),
        "labels": Entries(Text(allow_empty=True)),
        "warning": Number(),
        "critical": Number(),
        # For series where low is bad (node_network_up, free inodes).
        "below": Flag(),
    }
)

PROMETHEUS = Table(
    {
        "name": NAME,
        "url": URL,
        **SCHEDULE,
        "rules": Seq(RULE),
        **host_metric_tables(),
        **HOST_KEYS,
        **GUIDE,
    }
)


def build_prometheus(
    entries: tuple[dict[str, Any], ...], path: KeyPath, draft: Draft, ctx: Context
) -> None:
    for index, values in enumerate(entries):
        entry = (*path, index)
        name = claim(values, entry, draft, ctx)
        rules = host_rules(values, entry, ctx)
        extra = _series_rules(values.get("rules", ()), entry, rules, ctx)
        if ctx.failed_under(entry) or name is None:
            continue
        probe = PrometheusCheck(
            name=name,
            url=values["url"].strip(),
            timeout=values.get("timeout", draft.timeout),
            rules=tuple(extra),
        )
        known = [*LOCAL_METRICS, *rules]
        forecast = forecast_spec(values, entry, draft, ctx, known=known, on_by_default=False)
        if ctx.failed_under(entry):
            continue
        add_watch(values, probe, draft, rules, forecast)


def _series_rules(
    given: tuple[dict[str, Any], ...], entry: KeyPath, rules: dict[str, Threshold], ctx: Context
) -> list[PromRule]:
    """The extra series to report; each one's levels are added to `rules`."""
    extra: list[PromRule] = []
    for number, values in enumerate(given):
        where = (*entry, "rules", number)
        metric = values.get("metric")
        if metric is None:
            continue  # already reported
        if metric in rules:
            ctx.error((*where, "metric"), f"{metric} already has a rule in this check")
            continue
        try:
            rules[metric] = Threshold(
                warning=values.get("warning"),
                critical=values.get("critical"),
                below=values.get("below", False),
            )
        except ValueError as exc:
            ctx.error(where, str(exc))
            continue
        labels = dict(values.get("labels", {}))
        extra.append(PromRule(metric, labels, values.get("warning"), values.get("critical")))
    return extra


def describe_prometheus(watch: Watch, config: Config) -> str:
    probe = watch.probe
    assert isinstance(probe, PrometheusCheck)
    url = without_password(probe.url)
    text = f"prometheus {probe.name}: {url} {every(watch)}; {describe_rules(watch)}"
    predictions = describe_predictions(watch)
    return f"{text}; {predictions}" if predictions else text


SECTION = Section(
    "prometheus",
    TableArray(PROMETHEUS),
    build_prometheus,
    probe=PrometheusCheck,
    describe=describe_prometheus,
)
