"""The scheduler's lag window: the latest readings, in order, in memory taken once."""

from __future__ import annotations

from onwatch.engine.scheduler import Lags


def test_the_lag_window_keeps_the_latest_readings_in_order_once_full() -> None:
    lags = Lags(size=3)
    assert list(lags) == [] and len(lags) == 0
    lags.append(0.5)
    assert list(lags) == [0.5]
    for lag in (1.0, 2.0, 3.0, 4.0):
        lags.append(lag)
    assert list(lags) == [2.0, 3.0, 4.0]
    assert len(lags) == 3
    assert max(lags) == 4.0
