"""Silences and maintenance windows: who is muted, when, and what the timeline says about it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from onwatch.incidents import Category, Incident, InvalidInput, Mark, Severity, lifecycle
from onwatch.incidents.silences import (
    Maintenance,
    Silence,
    WeeklyWindow,
    apply_silences,
    new_silence,
    silence_from_dict,
    silence_to_dict,
    silenced_by,
)
from tests.incidents.conftest import T0

# T0 is Friday 2026-11-27 03:00 UTC.
SATURDAY = datetime(2026, 11, 28, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_incident(
    source: str = "web-01", check: str = "api", severity=Severity.CRITICAL
) -> Incident:
    return lifecycle.open_incident(
        incident_id=3,
        source=source,
        check=check,
        metric="latency",
        title="slow",
        severity=severity,
        category=Category.LATENCY,
        value=900.0,
        threshold=500.0,
        at=T0,
    )


def two_hours(**matchers: str) -> Silence:
    return new_silence(
        1, matchers, at=T0, duration=timedelta(hours=2), reason="deploy", created_by="dana"
    )


# --- silences ---------------------------------------------------------------------------------


def test_a_silence_is_active_from_its_start_until_its_end() -> None:
    s = two_hours(source="web-01")
    assert not s.is_active(at(-1))
    assert s.is_active(T0)
    assert s.is_active(at(119))
    assert not s.is_active(at(120))


def test_expiring_a_silence_ends_it_early_once() -> None:
    s = two_hours(source="web-01").expire(at(30))
    assert s.is_active(at(29))
    assert not s.is_active(at(30))
    with pytest.raises(InvalidInput, match="already ended"):
        s.expire(at(40))


@pytest.mark.parametrize(
    ("matchers", "matched"),
    [
        ({"source": "web-01"}, True),
        ({"source": "web-*"}, True),
        ({"source": "web-0[2-9]"}, False),
        ({"source": "web-01", "check": "api"}, True),
        ({"source": "web-01", "check": "disk"}, False),
        ({"severity": "CRITICAL"}, True),
        ({"severity": "warn*"}, False),
        ({"metric": "lat*"}, True),
    ],
)
def test_a_silence_matches_every_matcher_by_glob(matchers: dict, matched: bool) -> None:
    assert two_hours(**matchers).matches(new_incident()) is matched


def test_a_silence_can_match_plain_fields_before_any_incident_exists() -> None:
    s = two_hours(source="web-*", check="api")
    assert s.matches({"source": "web-07", "check": "api"})
    assert not s.matches({"source": "web-07"})  # a matcher on a missing field does not match


@pytest.mark.parametrize(
    ("matchers", "message"),
    [
        ({}, "at least one matcher"),
        ({"host": "web-01"}, "cannot match on 'host'"),
        ({"source": "  "}, "non-empty"),
        ({"severity": "crit"}, "matches none"),
    ],
)
def test_bad_silences_are_refused(matchers: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        two_hours(**matchers)


def test_a_silence_needs_a_reason_a_maker_and_a_positive_length() -> None:
    with pytest.raises(InvalidInput, match="reason"):
        Silence(1, {"source": "a"}, T0, at(5), " ", "dana")
    with pytest.raises(InvalidInput, match="who"):
        Silence(1, {"source": "a"}, T0, at(5), "deploy", "")
    with pytest.raises(InvalidInput, match="end after"):
        Silence(1, {"source": "a"}, T0, T0, "deploy", "dana")
    with pytest.raises(InvalidInput, match="positive"):
        new_silence(1, {"source": "a"}, at=T0, duration=timedelta(0), reason="x", created_by="d")


def test_a_silence_survives_its_serialised_form() -> None:
    s = two_hours(source="web-*", check="api").expire(at(10))
    data = silence_to_dict(s)
    assert data["starts_at"] == "2026-11-27T03:00:00Z"
    assert silence_from_dict(data) == s


def test_describe_names_what_who_and_until_when() -> None:
    text = two_hours(source="web-01", check="api").describe()
    assert text == "silence #1 (check=api source=web-01) until 2026-11-27T05:00:00Z by dana: deploy"


# --- applying them ----------------------------------------------------------------------------


def test_silenced_by_prefers_silences_then_windows_and_ignores_inactive_ones() -> None:
    old = new_silence(
        1, {"source": "*"}, at=at(-300), duration=timedelta(hours=1), reason="x", created_by="d"
    )
    s = two_hours(check="api")
    window = Maintenance({"source": "web-*"}, at(0), at(60))
    assert silenced_by(new_incident(), [old, s], [window], at(10)) is s
    assert silenced_by(new_incident(check="disk"), [old, s], [window], at(10)) is window
    assert silenced_by(new_incident(check="disk"), [old, s], [window], at(90)) is None


def test_silences_mute_and_unmute_with_timeline_entries() -> None:
    s = two_hours(source="web-01")
    incident = apply_silences(new_incident(), [s], now=T0)
    assert incident.has(Mark.SILENCED)
    assert incident.timeline[-1].kind == "silenced"
    assert "silence #1" in incident.timeline[-1].note
    assert apply_silences(incident, [s], now=at(60)) is incident  # nothing changed, no entry
    unmuted = apply_silences(incident, [s], now=at(120))
    assert not unmuted.has(Mark.SILENCED)
    assert (unmuted.timeline[-1].kind, unmuted.timeline[-1].note) == (
        "unsilenced",
        "no longer silenced after 2h00m",
    )


def test_expiring_a_silence_unmutes_on_the_next_apply() -> None:
    s = two_hours(source="web-01")
    incident = apply_silences(new_incident(), [s], now=T0)
    assert not apply_silences(incident, [s.expire(at(5))], now=at(5)).has(Mark.SILENCED)


def test_resolved_incidents_are_left_alone() -> None:
    resolved = lifecycle.resolve(new_incident(), by="onwatch", at=at(1))
    assert apply_silences(resolved, [two_hours(source="web-01")], now=at(2)) is resolved


def test_a_maintenance_window_marks_incidents_like_a_silence() -> None:
    window = Maintenance(
        {"source": "web-*"},
        weekly=WeeklyWindow(days=frozenset({"fri"}), start=time(2), end=time(4)),
        name="patching",
    )
    incident = apply_silences(new_incident(), [], [window], now=T0)
    assert incident.has(Mark.SILENCED)
    assert incident.timeline[-1].note.startswith(
        "maintenance patching (source=web-*) fri 02:00-04:00"
    )
