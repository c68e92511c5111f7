"""Recent values per series: the latest `depth`, oldest first, in memory taken once per series."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from onwatch.engine.history import History
from onwatch.engine.ring import Ring
from onwatch.incidents import Sample

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_series_keeps_its_latest_values_in_order_and_the_latest_sample() -> None:
    history = History(depth=3)
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):
        history.add([Sample("web", "http", "latency", value, T0)])
    history.add([Sample.failed("web", "http", "latency", "timed out", T0)])
    assert history.values("web", "latency") == [3.0, 4.0, 5.0]
    latest = history.latest("web", "latency")
    assert latest is not None and latest.value is None  # the failure is the latest sample
    assert history.values("web", "memory") == [] and history.values("db", "latency") == []


def test_a_ring_takes_all_its_memory_when_made() -> None:
    ring = Ring(120)
    size = sys.getsizeof(ring._ring)
    for n in range(500):
        ring.append(n / 7)
    assert sys.getsizeof(ring._ring) == size
    assert list(ring) == [n / 7 for n in range(380, 500)]
    assert len(ring) == 120
