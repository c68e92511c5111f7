"""Anomalies: values far outside a series' usual band, several samples in a row.

Each series keeps an exponentially weighted mean and deviation. After a warm-up, a value more
than BAND deviations from the mean is unusual; RUN unusual values in a row raise a warning of
category anomaly, and RUN usual ones resolve it. Opt-in per check (`anomaly = true`): a
threshold says what is bad, this only says what is new. Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from onwatch.incidents.decisions import Breach, Decision, Recovery
from onwatch.incidents.model import Category, Severity, fingerprint
from onwatch.incidents.sample import Sample

ANOMALY_PREFIX = "anomaly:"
ALPHA = 0.05
"""Weight of each new value: the baseline remembers roughly the last 40 samples."""
BAND = 5.0
"""How many deviations from the mean a value must be to count as unusual."""
USUAL = 2.0
"""How many deviations either side of the mean a title calls the usual range."""
RUN = 3
"""Unusual values in a row before an incident opens (and usual ones before it resolves)."""
WARM_UP = 30
"""Samples seen before judging anything: a baseline needs something to stand on."""
RELATIVE_FLOOR = 0.01
"""The deviation never counts as less than 1% of the mean: a dead-flat series would otherwise
flag the first wobble."""
ABSOLUTE_FLOOR = 1e-9


@dataclass(slots=True)
class Baseline:
    """An exponentially weighted mean and variance of one series."""

    mean: float = 0.0
    variance: float = 0.0
    seen: int = 0

    def add(self, value: float, alpha: float = ALPHA) -> None:
        if self.seen == 0:
            self.mean, self.variance = value, 0.0
        else:
            # Warm-up runs as a plain average, so the first value does not dominate.
            weight = max(alpha, 1.0 / (self.seen + 1))
            diff = value - self.mean
            self.mean += weight * diff
            self.variance = (1 - weight) * (self.variance + weight * diff * diff)
        self.seen += 1

    @property
    def deviation(self) -> float:
        floor = max(ABSOLUTE_FLOOR, abs(self.mean) * RELATIVE_FLOOR)
        return max(math.sqrt(self.variance), floor)

    def band(self, width: float = BAND) -> tuple[float, float]:
        spread = width * self.deviation
        return self.mean - spread, self.mean + spread

    def unusual(self, value: float, width: float = BAND) -> bool:
        low, high = self.band(width)
        return not low <= value <= high


@dataclass(slots=True)
class _Series:
    baseline: Baseline = field(default_factory=Baseline)
    unusual_run: int = 0
    usual_run: int = 0
    active: bool = False
    usual: tuple[float, float] = (0.0, 0.0)
    """The usual range as the current run of unusual values began: what the title names."""


def _num(value: float) -> str:
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def describe_anomaly(metric: str, value: float, low: float, high: float) -> str:
    """`latency 0.82 (usually 0.09 to 0.11)`."""
    return f"{metric} {_num(value)} (usually {_num(low)} to {_num(high)})"


class AnomalyDetector:
    """Judges each sample of the series it is given against that series' own history."""

    def __init__(self, *, warm_up: int = WARM_UP, run: int = RUN, band: float = BAND) -> None:
        self.warm_up = warm_up
        self.run = run
        self.width = band
        self._series: dict[str, _Series] = {}

    def observe(self, sample: Sample) -> list[Decision]:
        if sample.value is None:
            return []
        key = fingerprint(sample.source, sample.check, ANOMALY_PREFIX + sample.metric)
        series = self._series.setdefault(key, _Series())
        baseline = series.baseline
        value = sample.value
        if baseline.seen < self.warm_up:
            baseline.add(value)
            return []
        decisions: list[Decision] = []
        if baseline.unusual(value, self.width):
            if series.unusual_run == 0:
                series.usual = baseline.band(USUAL)
            series.unusual_run += 1
            series.usual_run = 0
            if series.unusual_run >= self.run:
                series.active = True
                decisions.append(self._breach(sample, key, *series.usual))
            # An outlier moves the baseline only a little, so a spike does not widen the band
            # it is judged by; a lasting change still becomes the new usual in time.
            baseline.add(value, ALPHA / 4)
            return decisions
        series.unusual_run = 0
        series.usual_run += 1
        baseline.add(value)
        if series.active and series.usual_run >= self.run:
            series.active = False
            decisions.append(Recovery(key, value, sample.at))
        return decisions

    def _breach(self, sample: Sample, key: str, low: float, high: float) -> Breach:
        assert sample.value is not None
        return Breach(
            source=sample.source,
            check=sample.check,
            metric=ANOMALY_PREFIX + sample.metric,
            severity=Severity.WARNING,
            category=Category.ANOMALY,
            value=sample.value,
            threshold=None,
            title=describe_anomaly(sample.metric, sample.value, low, high),
            at=sample.at,
            labels=tuple(sorted(sample.labels.items())),
        )

    def resume(self, key: str) -> None:
        """An open anomaly incident from an earlier run: resolve it once values are usual."""
        self._series.setdefault(key, _Series()).active = True

    def forget(self, sources: Iterable[str]) -> None:
        gone = set(sources)
        self._series = {k: s for k, s in self._series.items() if k.split("/", 1)[0] not in gone}


EXCLUDED_METRICS = frozenset({"up", "status", "cert_days", "no_data"})
"""What `anomaly = true` leaves out: states and countdowns, not measurements with a usual band."""


def judged(metric: str) -> bool:
    """Whether `anomaly = true` on a check watches this metric of it."""
    return metric not in EXCLUDED_METRICS and not metric.startswith("process:")
