"""Forecasts on synthetic series: a least-squares trend, crossing critical within the horizon."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from onwatch.incidents import Breach, Category, Recovery, Sample, Severity, Threshold
from onwatch.incidents.forecast import (
    Forecaster,
    ForecastSpec,
    Window,
    fit,
    forecast_crossing,
)

from .conftest import T0

DISK = Threshold(warning=80, critical=90, unit="%")
SPEC = ForecastSpec(horizon=timedelta(hours=24), window=timedelta(hours=6))


def disk(value: float, minutes: float) -> Sample:
    return Sample("host", "local", "disk:/", value, T0 + timedelta(minutes=minutes))


def test_steady_disk_fill_is_forecast_within_ten_percent_of_its_true_crossing() -> None:
    rng = random.Random(7)
    rate = 2.0  # % per hour: from 40% the disk reaches 90% after 25 h
    points = []
    for minute in range(0, 6 * 60, 5):
        value = 40 + rate * minute / 60 + rng.gauss(0, 0.3)
        points.append((T0 + timedelta(minutes=minute), value))
    elapsed = points[-1][0] - T0
    true_eta = timedelta(hours=25) - elapsed
    eta = forecast_crossing(
        points, 90, window=timedelta(hours=6), horizon=timedelta(hours=24), below=False
    )
    assert eta is not None
    assert abs(eta - true_eta) <= true_eta * 0.1


def test_flat_noisy_series_gives_no_forecast() -> None:
    rng = random.Random(11)
    forecaster = Forecaster()
    decisions = []
    for minute in range(0, 24 * 60, 5):
        sample = disk(60 + rng.gauss(0, 3), minute)
        decisions += forecaster.observe(sample, DISK, SPEC)
    assert decisions == []


def test_trend_crossing_after_the_horizon_raises_nothing() -> None:
    points = [(T0 + timedelta(minutes=m), 40 + 0.5 * m / 60) for m in range(0, 360, 5)]
    assert forecast_crossing(points, 90, window=SPEC.window, horizon=SPEC.horizon) is None


def test_no_forecast_before_enough_time_has_passed() -> None:
    points = [(T0 + timedelta(minutes=m), 40 + m) for m in range(20)]
    assert forecast_crossing(points, 90, window=SPEC.window, horizon=SPEC.horizon) is None


def test_forecast_opens_as_a_warning_titled_with_the_expected_time_then_resolves() -> None:
    forecaster = Forecaster()
    opened: list[Breach] = []
    minute = 0
    # 10% an hour from 30%: 90% is 6 h away when the points span 90 minutes.
    while not opened:
        value = 30 + 10 * minute / 60
        opened = [
            d for d in forecaster.observe(disk(value, minute), DISK, SPEC) if isinstance(d, Breach)
        ]
        minute += 5
        assert minute < 6 * 60
    breach = opened[0]
    assert breach.category is Category.FORECAST
    assert breach.severity is Severity.WARNING
    assert breach.metric == "forecast:disk:/"
    assert breach.threshold == 90
    assert breach.title.startswith("disk / full in about ")
    assert breach.title.endswith(" h at the current rate")
    # The disk is cleaned up: back to a flat 20%, and the trend stops crossing.
    recovered = []
    for step in range(200):
        recovered += [
            d
            for d in forecaster.observe(disk(20, minute + 5 * step), DISK, SPEC)
            if isinstance(d, Recovery)
        ]
        if recovered:
            break
    assert recovered and recovered[0].fingerprint == "host/local/forecast:disk:/"


def test_falling_free_space_is_forecast_for_a_below_rule() -> None:
    free = Threshold(warning=20, critical=10, below=True)
    points = [(T0 + timedelta(minutes=m), 80 - 5 * m / 60) for m in range(0, 240, 5)]
    eta = forecast_crossing(points, 10, window=SPEC.window, horizon=SPEC.horizon, below=free.below)
    assert eta == pytest.approx(timedelta(hours=14 - 235 / 60 * 1), abs=timedelta(minutes=1))


def test_fit_recovers_a_line() -> None:
    points = [(T0 + timedelta(seconds=s), 3.0 + 0.5 * s) for s in range(10)]
    trend = fit(points)
    assert trend is not None
    assert trend.slope == pytest.approx(0.5)
    assert trend.level == pytest.approx(7.5)


def test_window_is_bounded_in_time_and_points() -> None:
    window = Window(timedelta(hours=1))
    for second in range(0, 4 * 3600):
        window.add(T0 + timedelta(seconds=second), float(second))
    points = window.points
    assert len(points) <= 360
    assert points[-1][0] - points[0][0] <= timedelta(hours=1)


def test_metrics_the_spec_covers() -> None:
    assert SPEC.covers("disk:/var") and SPEC.covers("memory")
    assert not SPEC.covers("cpu")
