"""Anomalies: an exponentially weighted band per series, several unusual samples in a row."""

from __future__ import annotations

import random
from datetime import timedelta

from onwatch.incidents import Breach, Category, Recovery, Sample, Severity
from onwatch.incidents.anomaly import AnomalyDetector, judged

from .conftest import T0


def latency(value: float, index: int) -> Sample:
    return Sample("api", "api", "latency", value, T0 + timedelta(seconds=10 * index))


def test_step_change_in_latency_is_flagged_within_five_samples() -> None:
    rng = random.Random(3)
    detector = AnomalyDetector()
    for index in range(200):
        assert detector.observe(latency(0.100 + rng.gauss(0, 0.005), index)) == []
    flagged_at = None
    for step in range(20):
        decisions = detector.observe(latency(0.300 + rng.gauss(0, 0.005), 200 + step))
        if decisions:
            flagged_at = step + 1
            breach = decisions[0]
            break
    assert flagged_at is not None and flagged_at <= 5
    assert isinstance(breach, Breach)
    assert breach.category is Category.ANOMALY
    assert breach.severity is Severity.WARNING
    assert breach.metric == "anomaly:latency"
    assert breach.title.startswith("latency 0.3")
    assert "(usually 0.0" in breach.title and " to 0.1" in breach.title


def test_noisy_but_stable_series_raises_nothing_in_ten_thousand_samples() -> None:
    rng = random.Random(20261201)
    detector = AnomalyDetector()
    raised = []
    for index in range(10_000):
        raised += detector.observe(latency(0.2 + rng.gauss(0, 0.03), index))
    assert raised == []


def test_anomaly_resolves_after_values_return() -> None:
    rng = random.Random(5)
    detector = AnomalyDetector()
    index = 0
    for index in range(100):
        detector.observe(latency(0.1 + rng.gauss(0, 0.005), index))
    decisions = []
    for index in range(100, 105):
        decisions += detector.observe(latency(0.5, index))
    assert any(isinstance(d, Breach) for d in decisions)
    recovered = []
    for index in range(105, 115):
        recovered += [
            d
            for d in detector.observe(latency(0.1 + rng.gauss(0, 0.005), index))
            if isinstance(d, Recovery)
        ]
    assert len(recovered) == 1
    assert recovered[0].fingerprint == "api/api/anomaly:latency"


def test_nothing_is_judged_during_warm_up() -> None:
    detector = AnomalyDetector(warm_up=30)
    values = [0.1] * 10 + [5.0] * 20
    assert [d for i, v in enumerate(values) for d in detector.observe(latency(v, i))] == []


def test_a_single_spike_is_not_an_anomaly() -> None:
    rng = random.Random(9)
    detector = AnomalyDetector()
    for index in range(100):
        detector.observe(latency(0.1 + rng.gauss(0, 0.005), index))
    assert detector.observe(latency(3.0, 100)) == []
    assert detector.observe(latency(0.1, 101)) == []


def test_states_and_countdowns_are_not_judged() -> None:
    assert judged("latency") and judged("disk:/") and judged("cpu")
    assert not judged("up") and not judged("status") and not judged("process:nginx")
