"""Storm grouping on its own, with the time as plain seconds."""

from __future__ import annotations

import pytest

from onwatch.notify.storm import Storms


def storms() -> Storms[str, int]:
    return Storms(threshold=3, window=60.0, hold=2.0)


def test_a_notification_waits_out_the_collection_delay_then_goes_alone() -> None:
    s = storms()
    s.hold("opened", 1, now=10.0)
    assert s.next_deadline() == 12.0
    assert s.due(11.9) == []
    [flush] = s.due(12.0)
    assert (flush.kind, flush.jobs, flush.grouped) == ("opened", [1], False)
    assert not s and s.next_deadline() is None


def test_more_than_the_threshold_within_the_window_is_one_grouped_flush() -> None:
    s = storms()
    for job in range(4):
        s.hold("opened", job, now=10.0 + job)
    assert s.next_deadline() == 15.0  # the storm paused for `hold` after its last arrival
    [flush] = s.due(15.0)
    assert (flush.jobs, flush.grouped) == ([0, 1, 2, 3], True)


def test_kinds_are_counted_apart() -> None:
    s = storms()
    for job in range(3):
        s.hold("opened", job, now=10.0)
        s.hold("resolved", job, now=10.0)
    assert [f.grouped for f in s.due(12.0)] == [False, False]


def test_while_a_storm_lasts_at_most_one_summary_goes_out_per_window() -> None:
    s = storms()
    for job in range(5):
        s.hold("opened", job, now=0.0)
    assert s.due(2.0)[0].grouped
    s.hold("opened", 5, now=3.0)
    s.hold("opened", 6, now=4.0)
    assert s.next_deadline() == 62.0  # a window after the first summary
    [flush] = s.due(62.0)
    assert (flush.jobs, flush.grouped) == ([5, 6], True)


def test_a_threshold_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Storms(threshold=0, window=60.0, hold=2.0)
