"""Beside the threshold rules: forecasts, anomalies, and the evidence only the engine can add.

The engine keeps, per series, the recent window a forecast fits its trend over (bounded in
points and in time), an anomaly baseline for the checks that ask for one, and the last hour of
every disk, so a disk incident says how fast it was filling as it opened.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from onwatch.engine.specs import Watch
from onwatch.incidents import Breach, Category, Decision, Incident, Sample
from onwatch.incidents.anomaly import AnomalyDetector, judged
from onwatch.incidents.forecast import Forecaster, Window

GROWTH_SPAN = timedelta(hours=1)


def is_disk(metric: str) -> bool:
    return metric == "disk" or metric.startswith("disk:")


class Predictions:
    def __init__(self) -> None:
        self.forecaster = Forecaster()
        self.anomalies = AnomalyDetector()
        self._growth: dict[str, Window] = {}

    def judge(self, watch: Watch, samples: Iterable[Sample]) -> list[Decision]:
        """The forecast and anomaly decisions these samples of `watch` lead to."""
        decisions: list[Decision] = []
        forecast, anomaly = watch.forecast, watch.anomaly
        for sample in samples:
            if sample.value is None:
                continue
            metric = sample.metric
            if is_disk(metric):
                window = self._growth.get(sample.fingerprint)
                if window is None:
                    window = self._growth[sample.fingerprint] = Window(GROWTH_SPAN)
                window.add(sample.at, sample.value)
            if forecast is not None and (rule := watch.rule_for(metric)) is not None:
                decisions += self.forecaster.observe(sample, rule, forecast)
            if anomaly and judged(metric):
                decisions += self.anomalies.observe(sample)
        return decisions

    def growth(self, fingerprint: str) -> dict[str, Any] | None:
        """How much a disk series rose over (up to) the last hour."""
        window = self._growth.get(fingerprint)
        points = [] if window is None else window.points
        if len(points) < 2:
            return None
        (first_at, first), (last_at, last) = points[0], points[-1]
        return {
            "growth_percent": round(last - first, 3),
            "growth_over_seconds": round((last_at - first_at).total_seconds()),
        }

    def with_growth(self, decisions: list[Decision]) -> list[Decision]:
        """Disk breaches carry the disk's growth over the last hour (only breaches: the rest of
        the samples never pay for it)."""
        out: list[Decision] = []
        for decision in decisions:
            if isinstance(decision, Breach) and is_disk(decision.metric):
                growth = self.growth(decision.fingerprint)
                if growth is not None:
                    evidence = {**decision.evidence, "last_hour": growth}
                    decision = dataclasses.replace(decision, evidence=evidence)
            out.append(decision)
        return out

    def resume(self, incident: Incident) -> bool:
        """Take back an open forecast or anomaly incident of an earlier run; False for others."""
        if incident.category is Category.FORECAST:
            self.forecaster.resume(incident.fingerprint)
            return True
        if incident.category is Category.ANOMALY:
            self.anomalies.resume(incident.fingerprint)
            return True
        return False
