"""`forecast = {...}` (on `[local]`, a remote host or `[defaults]`) and `anomaly = true` (on any
check): the predictive keys, beside the thresholds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.model import Draft
from onwatch.config.problems import Context, quote
from onwatch.config.schema import Duration, Flag, Text
from onwatch.config.tables import Seq, Switchable, Table
from onwatch.engine.specs import Watch
from onwatch.incidents.forecast import DEFAULT_METRICS, ForecastSpec
from onwatch.incidents.timefmt import exact_duration

FORECAST = Switchable(
    Table(
        {
            "horizon": Duration(timedelta(minutes=1), timedelta(days=366)),
            "window": Duration(timedelta(minutes=5), timedelta(days=31)),
            "metrics": Seq(Text(), min_items=1),
        }
    )
)
"""`forecast = { horizon = "24h", window = "6h" }`, `true` (the built-in ones) or `false`."""

ANOMALY = Flag()
"""`anomaly = true`: flag values far outside each metric's usual band."""

HOST_KEYS = {"forecast": FORECAST, "anomaly": ANOMALY}
CHECK_KEYS = {"anomaly": ANOMALY}


def forecast_spec(
    values: dict[str, Any],
    path: KeyPath,
    draft: Draft,
    ctx: Context,
    *,
    known: Iterable[str],
    on_by_default: bool,
) -> ForecastSpec | None:
    """The host's forecast: its own table over `[defaults]` over the built-in one.

    This host forecasts its disks and memory unless told not to; a remote host does when its
    table or `[defaults]` says so.
    """
    given = values.get("forecast")
    base = draft.forecast
    if given is False or (
        given is None and (base is False or (base is None and not on_by_default))
    ):
        return None
    settings = {**(base or {}), **(given or {})}
    metrics = settings.get("metrics", tuple(DEFAULT_METRICS))
    if given and "metrics" in given:
        names = set(known)
        for index, metric in enumerate(given["metrics"]):
            if metric not in names:
                choices = ", ".join(sorted(names))
                ctx.error(
                    (*path, "forecast", "metrics", index),
                    f"unknown metric {quote(metric)}; known: {choices}",
                )
    defaults = ForecastSpec()
    return ForecastSpec(
        horizon=settings.get("horizon", defaults.horizon),
        window=settings.get("window", defaults.window),
        metrics=frozenset(metrics),
    )


def describe_predictions(watch: Watch) -> str:
    """What `check-config` says about a check's forecast and anomaly settings ("" for none)."""
    parts = []
    spec = watch.forecast
    if spec is not None:
        parts.append(
            f"forecast {', '.join(sorted(spec.metrics))} "
            f"{exact_duration(spec.horizon)} ahead from the last {exact_duration(spec.window)}"
        )
    if watch.anomaly:
        parts.append("anomalies flagged")
    return "; ".join(parts)
