from __future__ import annotations

from datetime import timedelta

import pytest

from onwatch.incidents import (
    Breach,
    Evaluator,
    FlapPolicy,
    Recovery,
    Sample,
    Severity,
    Stable,
    Threshold,
)
from onwatch.incidents.rules import NO_DATA_METRIC
from tests.incidents.conftest import T0

CPU = Threshold(warning=70, critical=80, for_=timedelta(seconds=30), unit="%")


def cpu(value: float, seconds: float) -> Sample:
    return Sample("web-01", "local", "cpu", value, T0 + timedelta(seconds=seconds))


def feed(evaluator: Evaluator, rule: Threshold, values: list[tuple[float, float]]) -> list:
    decisions = []
    for seconds, value in values:
        decisions.extend(evaluator.evaluate(cpu(value, seconds), rule))
    return decisions


@pytest.mark.parametrize(
    ("value", "expected"),
    [(69.9, None), (70, Severity.WARNING), (79.99, Severity.WARNING), (80, Severity.CRITICAL)],
)
def test_level_of_value(value: float, expected: Severity | None) -> None:
    assert CPU.level_of(value) is expected


def test_low_values_are_bad_when_below_is_set() -> None:
    days_left = Threshold(warning=21, critical=7, below=True)
    assert days_left.level_of(30) is None
    assert days_left.level_of(21) is Severity.WARNING
    assert days_left.level_of(3) is Severity.CRITICAL
    assert days_left.clear_level == pytest.approx(22.05)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"warning": 90, "critical": 80},
        {"warning": 5, "critical": 10, "below": True},
        {"critical": 80, "clear": 85},
        {"critical": 80, "for_": timedelta(seconds=-1)},
    ],
)
def test_inconsistent_thresholds_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        Threshold(**kwargs)


def test_breach_must_hold_for_the_for_duration_before_opening() -> None:
    evaluator = Evaluator()
    assert feed(evaluator, CPU, [(0, 75), (10, 76), (20, 78)]) == []
    decisions = feed(evaluator, CPU, [(30, 77)])
    assert len(decisions) == 1
    assert isinstance(decisions[0], Breach)
    assert decisions[0].severity is Severity.WARNING
    assert decisions[0].at == T0 + timedelta(seconds=30)


def test_a_dip_below_the_threshold_restarts_the_for_clock() -> None:
    evaluator = Evaluator()
    assert feed(evaluator, CPU, [(0, 75), (20, 60), (30, 75), (50, 75)]) == []
    assert feed(evaluator, CPU, [(60, 75)])  # 30 s after the breach resumed


def test_zero_for_opens_on_the_first_breaching_sample() -> None:
    rule = Threshold(critical=80)
    decisions = Evaluator().evaluate(cpu(81, 0), rule)
    assert [type(d) for d in decisions] == [Breach]


def test_warning_upgrades_to_critical_once_critical_has_held() -> None:
    evaluator = Evaluator()
    feed(evaluator, CPU, [(0, 75), (30, 75)])
    in_progress = feed(evaluator, CPU, [(40, 85), (60, 85)])
    assert all(d.severity is Severity.WARNING for d in in_progress)
    upgraded = feed(evaluator, CPU, [(70, 86)])
    assert upgraded[0].severity is Severity.CRITICAL
    assert upgraded[0].threshold == 80


def test_recovery_needs_the_value_below_the_clear_level() -> None:
    evaluator = Evaluator()
    feed(evaluator, CPU, [(0, 75), (30, 75)])
    # 70 - 5% of 70 = 66.5: between it and the threshold the incident holds.
    assert feed(evaluator, CPU, [(40, 68), (50, 66.6)]) == []
    decisions = feed(evaluator, CPU, [(60, 66.4)])
    assert isinstance(decisions[0], Recovery)
    assert decisions[0].fingerprint == "web-01/local/cpu"


def test_explicit_clear_level_is_honoured() -> None:
    rule = Threshold(critical=80, clear=50)
    evaluator = Evaluator()
    feed(evaluator, rule, [(0, 90)])
    assert feed(evaluator, rule, [(10, 55)]) == []
    assert isinstance(feed(evaluator, rule, [(20, 49)])[0], Recovery)


def test_recovery_carries_the_rules_auto_resolve_setting() -> None:
    rule = Threshold(critical=80, auto_resolve=False)
    evaluator = Evaluator()
    feed(evaluator, rule, [(0, 90)])
    (recovery,) = feed(evaluator, rule, [(10, 10)])
    assert recovery.auto_resolve is False


def test_error_sample_is_a_critical_availability_breach() -> None:
    sample = Sample.failed("api", "api", "up", "connection refused", T0)
    (decision,) = Evaluator().evaluate(sample, None)
    assert decision.severity is Severity.CRITICAL
    assert decision.category.value == "availability"
    assert "connection refused" in decision.title


def test_check_silent_for_three_intervals_raises_no_data() -> None:
    evaluator = Evaluator()
    evaluator.watch("web-01", "local", timedelta(seconds=10), T0)
    evaluator.evaluate(cpu(10, 0), CPU)
    assert evaluator.tick(T0 + timedelta(seconds=29)) == []
    (stale,) = evaluator.tick(T0 + timedelta(seconds=30))
    assert isinstance(stale, Breach)
    assert stale.metric == NO_DATA_METRIC
    assert evaluator.tick(T0 + timedelta(seconds=60)) == []  # raised once, not every tick
    (back,) = evaluator.evaluate(cpu(10, 61), CPU)
    assert isinstance(back, Recovery)
    assert back.fingerprint == f"web-01/local/{NO_DATA_METRIC}"


def test_a_check_that_never_reports_goes_stale_too() -> None:
    evaluator = Evaluator()
    evaluator.watch("db", "tcp", timedelta(seconds=5), T0)
    assert len(evaluator.tick(T0 + timedelta(seconds=15))) == 1


def flap_cycle(evaluator: Evaluator, rule: Threshold, start: float) -> list:
    return feed(evaluator, rule, [(start, 95), (start + 10, 10)])


def test_series_opening_too_often_is_flagged_flapping() -> None:
    rule = Threshold(critical=80)
    evaluator = Evaluator(FlapPolicy(max_opens=3, window=timedelta(minutes=10)))
    for cycle in range(3):
        decisions = flap_cycle(evaluator, rule, cycle * 20)
        assert not any(getattr(d, "flapping", False) for d in decisions)
    breach, recovery = flap_cycle(evaluator, rule, 60)
    assert breach.flapping and recovery.flapping


def test_opens_older_than_the_window_do_not_count_toward_flapping() -> None:
    rule = Threshold(critical=80)
    evaluator = Evaluator(FlapPolicy(max_opens=3, window=timedelta(minutes=1)))
    decisions = []
    for cycle in range(6):
        decisions += flap_cycle(evaluator, rule, cycle * 40)
    assert not any(d.flapping for d in decisions)


def test_flapping_series_quiet_for_the_window_becomes_stable() -> None:
    rule = Threshold(critical=80)
    evaluator = Evaluator(FlapPolicy(max_opens=1, window=timedelta(minutes=5)))
    flap_cycle(evaluator, rule, 0)
    flap_cycle(evaluator, rule, 20)  # second open: flapping; last edge at 30 s
    assert evaluator.tick(T0 + timedelta(seconds=30 + 299)) == []
    (stable,) = evaluator.tick(T0 + timedelta(seconds=30 + 300))
    assert isinstance(stable, Stable)
    assert stable.healthy


def test_resume_lets_a_healthy_sample_recover_an_incident_from_an_earlier_run() -> None:
    evaluator = Evaluator()
    evaluator.resume("web-01", "local", "cpu", Severity.CRITICAL)
    (decision,) = evaluator.evaluate(cpu(5, 0), CPU)
    assert isinstance(decision, Recovery)


def test_resumed_no_data_incident_recovers_on_the_next_sample() -> None:
    evaluator = Evaluator()
    evaluator.watch("web-01", "local", timedelta(seconds=10), T0)
    evaluator.resume("web-01", "local", NO_DATA_METRIC, Severity.WARNING)
    (decision,) = evaluator.evaluate(cpu(5, 0), CPU)
    assert isinstance(decision, Recovery)
    assert decision.fingerprint.endswith(NO_DATA_METRIC)


def test_sample_without_a_rule_raises_nothing() -> None:
    assert Evaluator().evaluate(cpu(100, 0), None) == []


def test_title_reads_as_a_sentence() -> None:
    (decision,) = Evaluator().evaluate(cpu(93.5, 0), Threshold(critical=80, unit="%"))
    assert decision.title == "local cpu 93.5% above critical 80%"


def test_a_value_after_failures_recovers_the_availability_incident() -> None:
    evaluator = Evaluator()
    down = Sample.failed("api", "api", "up", "connection refused", T0)
    (opened,) = evaluator.evaluate(down, None)
    assert isinstance(opened, Breach)
    (recovered,) = evaluator.evaluate(
        Sample("api", "api", "up", 1.0, T0 + timedelta(seconds=10)), None
    )
    assert isinstance(recovered, Recovery)
    assert recovered.fingerprint == "api/api/up"
