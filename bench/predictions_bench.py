"""The cost per sample of forecasts and anomalies, on the event loop where the engine runs them."""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from onwatch.incidents import Sample, Threshold
from onwatch.incidents.anomaly import AnomalyDetector
from onwatch.incidents.forecast import Forecaster, ForecastSpec

T0 = datetime(2026, 1, 1, tzinfo=UTC)
RULE = Threshold(warning=80, critical=90)


def _per_sample_us(judge, interval: float, warm: int, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    rng = random.Random(1)
    samples = [
        Sample("h", "local", "disk:/", 50 + rng.random(), T0 + timedelta(seconds=interval * i))
        for i in range(warm + runs)
    ]
    for sample in samples[:warm]:
        judge(sample)
    times = []
    for sample in samples[warm:]:
        started = time.perf_counter()
        judge(sample)
        times.append(time.perf_counter() - started)
    return {
        "median_us": round(1e6 * statistics.median(times), 1),
        "mean_us": round(1e6 * statistics.fmean(times), 1),
    }


def main() -> None:
    spec = ForecastSpec()
    for interval in (10.0, 60.0):
        forecaster = Forecaster()
        figures = _per_sample_us(
            lambda s, f=forecaster: f.observe(s, RULE, spec), interval, 3000, 5000
        )
        print(json.dumps({"bench": "forecast", "interval_s": interval, "window": "6h", **figures}))
    detector = AnomalyDetector()
    figures = _per_sample_us(detector.observe, 10.0, 100, 20000)
    print(json.dumps({"bench": "anomaly", **figures}))


if __name__ == "__main__":
    main()
