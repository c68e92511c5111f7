"""Forecasts: a least-squares trend over a recent window, and when it will cross critical.

A series that fills steadily (a disk, a leaking process's memory) crosses its critical level
long after the trend is plain to see. `Forecaster` keeps a bounded window of each series'
recent values, fits a straight line through them on every sample, and raises a warning of
category forecast when the line reaches the critical level within the horizon; the incident
resolves when the trend no longer gets there in time. Pure: timestamps come from the samples.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from onwatch.incidents.decisions import Breach, Decision, Recovery
from onwatch.incidents.model import Category, Severity, fingerprint
from onwatch.incidents.sample import Sample
from onwatch.incidents.thresholds import Threshold

FORECAST_PREFIX = "forecast:"
"""Forecast incidents are a series of their own (`forecast:disk:/`), beside the threshold one."""
DEFAULT_METRICS = frozenset({"disk", "memory"})
MAX_POINTS = 360
"""Points kept per series, whatever the window: older ones are thinned to fit."""
MIN_POINTS = 10
MIN_SPAN_FRACTION = 0.25
"""No forecast before the points span a quarter of the window: a few minutes of a disk
filling says little about the next day."""
SIGNIFICANCE = 3.0
"""The slope must be this many standard errors away from flat: noise is not a trend."""


@dataclass(frozen=True, slots=True)
class ForecastSpec:
    """`forecast = { horizon = "24h", window = "6h" }` on a host (or `[defaults]`)."""

    horizon: timedelta = timedelta(hours=24)
    window: timedelta = timedelta(hours=6)
    metrics: frozenset[str] = DEFAULT_METRICS
    """Metric names (`disk` covers every `disk:<mount>`)."""

    def covers(self, metric: str) -> bool:
        return metric in self.metrics or metric.split(":", 1)[0] in self.metrics


@dataclass(frozen=True, slots=True)
class Trend:
    slope: float
    """Units per second."""
    level: float
    """The fitted value at the latest point."""
    stderr: float
    """Standard error of the slope."""

    @property
    def significant(self) -> bool:
        if self.slope == 0:
            return False
        return self.stderr == 0 or abs(self.slope) >= SIGNIFICANCE * self.stderr


def fit(points: Sequence[tuple[datetime, float]]) -> Trend | None:
    """The least-squares line through `points` (oldest first), or None for too few of them."""
    if not points:
        return None
    origin = points[-1][0]
    return _fit([(at - origin).total_seconds() for at, _ in points], [v for _, v in points])


def _fit(xs: Sequence[float], ys: Sequence[float]) -> Trend | None:
    """The line through (x, y) with x in seconds relative to the latest point (x = 0 there)."""
    n = len(xs)
    if n < 3:
        return None
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxx = sxy = syy = 0.0
    for x, y in zip(xs, ys, strict=True):
        dx, dy = x - mean_x, y - mean_y
        sxx += dx * dx
        sxy += dx * dy
        syy += dy * dy
    if sxx == 0:
        return None
    slope = sxy / sxx
    level = mean_y - slope * mean_x  # the fitted value at the latest point
    residual = max(0.0, syy - slope * sxy)
    stderr = math.sqrt(residual / (n - 2) / sxx)
    return Trend(slope, level, stderr)


def time_to_cross(trend: Trend, level: float, *, below: bool = False) -> timedelta | None:
    """How long until the trend reaches `level` from the safe side, or None if it never does
    (flat, heading away, or not distinguishable from noise)."""
    if not trend.significant:
        return None
    toward = trend.slope < 0 if below else trend.slope > 0
    if not toward:
        return None
    seconds = (level - trend.level) / trend.slope
    if seconds < 0:
        return timedelta(0)
    return timedelta(seconds=seconds)


def forecast_crossing(
    points: Sequence[tuple[datetime, float]],
    level: float,
    *,
    window: timedelta,
    horizon: timedelta,
    below: bool = False,
) -> timedelta | None:
    """Time until `points` (oldest first) reach `level`, if that is within `horizon`.

    Needs MIN_POINTS spanning a quarter of `window` before it says anything.
    """
    if len(points) < MIN_POINTS:
        return None
    if points[-1][0] - points[0][0] < window * MIN_SPAN_FRACTION:
        return None
    origin = points[-1][0].timestamp()
    return _crossing(
        [at.timestamp() - origin for at, _ in points],
        [v for _, v in points],
        level,
        window=window,
        horizon=horizon,
        below=below,
    )


def _crossing(
    xs: Sequence[float],
    ys: Sequence[float],
    level: float,
    *,
    window: timedelta,
    horizon: timedelta,
    below: bool,
) -> timedelta | None:
    if len(xs) < MIN_POINTS or xs[-1] - xs[0] < (window * MIN_SPAN_FRACTION).total_seconds():
        return None
    trend = _fit(xs, ys)
    if trend is None:
        return None
    eta = time_to_cross(trend, level, below=below)
    if eta is None or eta > horizon:
        return None
    return eta


class Window:
    """The recent (time, value) points of one series: at most `window` old, at most
    MAX_POINTS of them (a point closer than window / MAX_POINTS to the last kept is skipped)."""

    def __init__(self, window: timedelta) -> None:
        self.window = window
        self._times: deque[datetime] = deque(maxlen=MAX_POINTS)
        # Seconds since the epoch, beside the values: what the fit works on, kept ready.
        self._xs: deque[float] = deque(maxlen=MAX_POINTS)
        self._ys: deque[float] = deque(maxlen=MAX_POINTS)
        self._spacing = window / MAX_POINTS

    def add(self, at: datetime, value: float) -> bool:
        """Keep the point; False when it came too soon after the last one kept."""
        times = self._times
        if times and at - times[-1] < self._spacing:
            return False
        times.append(at)
        self._xs.append(at.timestamp())
        self._ys.append(value)
        while times and at - times[0] > self.window:
            times.popleft()
            self._xs.popleft()
            self._ys.popleft()
        return True

    @property
    def points(self) -> list[tuple[datetime, float]]:
        return list(zip(self._times, self._ys, strict=True))

    @property
    def ready(self) -> bool:
        """Enough points over enough time to say anything about the trend."""
        times = self._times
        return len(times) >= MIN_POINTS and times[-1] - times[0] >= self.window * MIN_SPAN_FRACTION

    def crossing(
        self, level: float, *, horizon: timedelta, below: bool = False
    ) -> timedelta | None:
        """`forecast_crossing` over this window's points."""
        if not self._xs:
            return None
        latest = self._xs[-1]
        return _crossing(
            [x - latest for x in self._xs],
            self._ys,
            level,
            window=self.window,
            horizon=horizon,
            below=below,
        )


def describe_eta(metric: str, eta: timedelta, level: float, unit: str) -> str:
    """`disk / full in about 5 h at the current rate`."""
    base, _, rest = metric.partition(":")
    what = f"{base} {rest}" if rest else base
    goal = "full" if base in DEFAULT_METRICS else f"at {level:g}{unit}"
    return f"{what} {goal} in about {_about(eta)} at the current rate"


def _about(eta: timedelta) -> str:
    hours = eta.total_seconds() / 3600
    if hours >= 48:
        return f"{round(hours / 24)} d"
    if hours >= 1:
        return f"{round(hours)} h"
    return f"{max(1, round(hours * 60))} min"


@dataclass(slots=True)
class _Series:
    window: Window
    active: bool = False


@dataclass(slots=True)
class Forecaster:
    """Keeps a window per forecast series and judges each new sample against its rule."""

    _series: dict[str, _Series] = field(default_factory=dict)

    def observe(self, sample: Sample, rule: Threshold, spec: ForecastSpec) -> list[Decision]:
        if sample.value is None or not spec.covers(sample.metric):
            return []
        level = rule.critical if rule.critical is not None else rule.warning
        if level is None:
            return []
        key = fingerprint(sample.source, sample.check, FORECAST_PREFIX + sample.metric)
        series = self._series.get(key)
        if series is None or series.window.window != spec.window:
            series = self._series[key] = _Series(
                Window(spec.window), active=series is not None and series.active
            )
        if not series.window.add(sample.at, sample.value):
            return []  # too soon after the last point kept: the trend has not moved
        if rule.level_of(sample.value) is Severity.CRITICAL:
            return []  # already there: the threshold incident speaks; the forecast holds
        if not series.window.ready:
            return []  # too little to go on (just started): neither opens nor resolves
        eta = series.window.crossing(level, horizon=spec.horizon, below=rule.below)
        if eta is None:
            if not series.active:
                return []
            series.active = False
            return [Recovery(key, sample.value, sample.at)]
        series.active = True
        metric = FORECAST_PREFIX + sample.metric
        return [
            Breach(
                source=sample.source,
                check=sample.check,
                metric=metric,
                severity=Severity.WARNING,
                category=Category.FORECAST,
                value=sample.value,
                threshold=level,
                title=describe_eta(sample.metric, eta, level, rule.unit),
                at=sample.at,
                labels=tuple(sorted(sample.labels.items())),
            )
        ]

    def points(self, source: str, check: str, metric: str) -> list[tuple[datetime, float]]:
        series = self._series.get(fingerprint(source, check, FORECAST_PREFIX + metric))
        return [] if series is None else series.window.points

    def resume(self, key: str) -> None:
        """An open forecast incident from an earlier run: resolve it when the trend turns."""
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series(Window(ForecastSpec().window))
        series.active = True

    def forget(self, sources: Iterable[str]) -> None:
        gone = set(sources)
        self._series = {k: s for k, s in self._series.items() if k.split("/", 1)[0] not in gone}
