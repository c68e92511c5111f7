"""`[local]`: this host through psutil, and the per-metric tables (cpu, memory, swap, disk,
load) that remote hosts (`[[agent]]`, `[[prometheus]]`) and the seed JSON take as well."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from onwatch.collectors.specs import LocalCheck
from onwatch.config.actions import ACTIONS
from onwatch.config.checks import GUIDE, INTERVAL, add_watch, every
from onwatch.config.locate import KeyPath
from onwatch.config.model import LOCAL_NAME, Config, Draft, Section
from onwatch.config.predictions import HOST_KEYS, describe_predictions, forecast_spec
from onwatch.config.problems import Context
from onwatch.config.schema import Flag, Text
from onwatch.config.tables import Seq, Switchable, Table
from onwatch.config.thresholds import (
    LOAD,
    PERCENT,
    Measure,
    build_threshold,
    describe_threshold,
    number_levels,
)
from onwatch.engine.specs import Watch
from onwatch.incidents.rules import Threshold


@dataclass(frozen=True)
class LocalMetric:
    measure: Measure
    levels: Table
    default: Threshold


_PERCENT_LEVELS = number_levels(0, 100)
LOCAL_METRICS: Mapping[str, LocalMetric] = {
    "cpu": LocalMetric(
        PERCENT,
        _PERCENT_LEVELS,
        Threshold(warning=70, critical=80, for_=timedelta(seconds=30), unit="%"),
    ),
    "memory": LocalMetric(PERCENT, _PERCENT_LEVELS, Threshold(warning=65, critical=75, unit="%")),
    "swap": LocalMetric(PERCENT, _PERCENT_LEVELS, Threshold(critical=50, unit="%")),
    "disk": LocalMetric(PERCENT, _PERCENT_LEVELS, Threshold(warning=80, critical=90, unit="%")),
    # 5-minute load average per core, so one rule fits machines of any size.
    "load": LocalMetric(
        LOAD, number_levels(0, low_open=True), Threshold(warning=1.5, critical=2.0)
    ),
}

SUMMARY_ORDER = ("cpu", "memory", "disk", "swap", "load")
"""How `check-config` lists this host's metrics, every one of them, off or not."""


def host_metric_tables() -> dict[str, Switchable]:
    """`cpu = { warning = 70 }`, `swap = false`...: a key per metric of a host."""
    return {metric: Switchable(spec.levels) for metric, spec in LOCAL_METRICS.items()}


def host_rules(values: dict[str, Any], path: KeyPath, ctx: Context) -> dict[str, Threshold]:
    """Thresholds for cpu, memory, swap, disk and load: the built-in ones, merged with the file's."""
    rules: dict[str, Threshold] = {}
    for metric, spec in LOCAL_METRICS.items():
        given = values.get(metric, {})
        if given is False or ctx.failed_under((*path, metric)):
            continue
        rule = build_threshold(given, (*path, metric), ctx, spec.measure, spec.default)
        if rule is not None:
            rules[metric] = rule
    return rules


LOCAL = Table(
    {
        "enabled": Flag(),
        "interval": INTERVAL,
        "actions": ACTIONS,
        "processes": Seq(Text()),
        **host_metric_tables(),
        **HOST_KEYS,
        **GUIDE,
    }
)


def build_local(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    if not values.get("enabled", True):
        return
    draft.claim_name(LOCAL_NAME, (LOCAL_NAME,), ctx)
    rules = host_rules(values, path, ctx)
    forecast = forecast_spec(values, path, draft, ctx, known=LOCAL_METRICS, on_by_default=True)
    if ctx.failed_under(path):
        return
    # dict.fromkeys drops repeated names but keeps the order they were written in.
    processes = tuple(dict.fromkeys(values.get("processes", ())))
    add_watch(values, LocalCheck(processes=processes), draft, rules, forecast)


def describe_local(watch: Watch, config: Config) -> str:
    probe = watch.probe
    assert isinstance(probe, LocalCheck)
    rules = [
        f"{metric} {describe_threshold(watch.rules[metric])}"
        if metric in watch.rules
        else f"{metric} off"
        for metric in SUMMARY_ORDER
    ]
    text = f"this host ({probe.source}): {', '.join(rules)}; {every(watch)}"
    if probe.processes:
        text += f"; processes {', '.join(probe.processes)}"
    predictions = describe_predictions(watch)
    return f"{text}; {predictions}" if predictions else text


def unwatched(config: Config) -> list[str]:
    """Says so when this host is left out, which a file does only on purpose."""
    if any(isinstance(watch.probe, LocalCheck) for watch in config.watches):
        return []
    return ["this host: not watched ([local] enabled = false)"]


# `absent={}`: with no [local] table this host is watched with the built-in thresholds.
SECTION = Section("local", LOCAL, build_local, absent={}, probe=LocalCheck, describe=describe_local)
