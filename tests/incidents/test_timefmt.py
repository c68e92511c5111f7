"""The one duration formatter: ages as people read them, settings as a config file spells them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onwatch.incidents.timefmt import (
    exact_duration,
    format_duration,
    next_text_change,
    parse_duration,
)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.25, "250ms"),
        (45, "45s"),
        (330, "5m30s"),
        (720, "12m"),
        (11100, "3h05m"),
        (187200, "2d04h"),
    ],
)
def test_an_age_reads_in_its_two_largest_units(seconds: float, text: str) -> None:
    assert format_duration(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (10, "10s"),
        (0.5, "500ms"),
        (1.5, "1.5s"),
        (120, "2m"),
        (90, "90s"),
        (0.25, "250ms"),
        (0, "0s"),
        (3600, "1h"),
        (7 * 86400, "7d"),
        (2.25, "2.25s"),
    ],
)
def test_timeouts_and_settings_are_written_as_in_a_config_file(seconds: float, text: str) -> None:
    delta = timedelta(seconds=seconds)
    assert exact_duration(delta) == text
    assert parse_duration(text) == delta


@given(st.integers(min_value=-10, max_value=40 * 86_400))
def test_an_age_text_stays_the_same_until_next_text_change_says_it_changes(seconds: int) -> None:
    # The console keeps an age's text until then: it must neither change sooner nor later.
    delta = timedelta(seconds=seconds)
    change = next_text_change(delta)
    assert change > delta
    text = format_duration(delta)
    last_same = change - timedelta(milliseconds=1)
    assert format_duration(last_same) == text or last_same < timedelta(seconds=1)
    assert format_duration(change) != text
