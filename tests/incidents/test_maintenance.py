"""Maintenance windows: one-off and weekly, in their own zone, refused when they make no sense."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from onwatch.incidents import InvalidInput
from onwatch.incidents.maintenance import Maintenance, WeeklyWindow
from tests.incidents.test_silences import SATURDAY, at, new_incident


def test_a_one_off_window_mutes_only_between_start_and_end() -> None:
    window = Maintenance({"source": "db-*"}, at(0), at(60))
    assert window.is_active(at(30)) and not window.is_active(at(60))
    assert window.matches(new_incident(source="db-02"))
    assert not window.matches(new_incident())


@pytest.mark.parametrize(
    ("moment", "active"),
    [
        (SATURDAY.replace(hour=1, minute=59), False),
        (SATURDAY.replace(hour=2), True),
        (SATURDAY.replace(hour=3, minute=59), True),
        (SATURDAY.replace(hour=4), False),
        (SATURDAY.replace(day=29, hour=2, minute=30), True),  # Sunday
        (SATURDAY.replace(day=30, hour=2, minute=30), False),  # Monday
    ],
)
def test_a_weekly_window_repeats_on_its_days(moment: datetime, active: bool) -> None:
    window = Maintenance(
        {"source": "web-*"},
        weekly=WeeklyWindow(days=frozenset({"sat", "Sunday"}), start=time(2), end=time(4)),
    )
    assert window.is_active(moment) is active


@pytest.mark.parametrize(
    ("moment", "active"),
    [
        (SATURDAY.replace(hour=22, minute=59), False),
        (SATURDAY.replace(hour=23), True),
        (SATURDAY.replace(day=29, hour=1, minute=59), True),  # Sunday morning: Saturday's window
        (SATURDAY.replace(day=29, hour=2), False),
        (SATURDAY.replace(day=29, hour=23, minute=30), False),  # Sunday night: not a listed day
        (SATURDAY.replace(hour=1), False),  # Saturday morning: Friday is not listed
    ],
)
def test_a_weekly_window_can_cross_midnight(moment: datetime, active: bool) -> None:
    window = WeeklyWindow(days=frozenset({"sat"}), start=time(23), end=time(2))
    assert window.contains(moment) is active


def test_a_weekly_window_runs_on_local_time_in_its_zone() -> None:
    berlin = WeeklyWindow(
        days=frozenset({"sat"}), start=time(2), end=time(4), tz=ZoneInfo("Europe/Berlin")
    )
    assert berlin.contains(datetime(2026, 11, 28, 1, 30, tzinfo=UTC))  # 02:30 in Berlin
    assert not berlin.contains(datetime(2026, 11, 28, 3, 30, tzinfo=UTC))  # 04:30 in Berlin


def test_a_weekly_window_with_equal_ends_lasts_a_whole_day() -> None:
    window = WeeklyWindow(days=frozenset({"sat"}), start=time(0), end=time(0))
    assert window.contains(SATURDAY.replace(hour=23, minute=59))
    assert not window.contains(SATURDAY.replace(day=29))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Maintenance({}, at(0), at(60)),
        lambda: Maintenance({"source": "a"}),
        lambda: Maintenance({"source": "a"}, at(0)),
        lambda: Maintenance({"source": "a"}, at(60), at(0)),
        lambda: Maintenance(
            {"source": "a"}, at(0), at(60), WeeklyWindow(frozenset({"sat"}), time(1), time(2))
        ),
        lambda: WeeklyWindow(frozenset({"caturday"}), time(1), time(2)),
        lambda: WeeklyWindow(frozenset(), time(1), time(2)),
    ],
)
def test_bad_maintenance_windows_are_refused(make) -> None:
    with pytest.raises(InvalidInput):
        make()
