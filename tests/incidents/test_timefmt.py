"""The one duration formatter: ages as people read them, settings as a config file spells them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onwatch.incidents.timefmt import exact_duration, format_duration, parse_duration


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
