"""Escalation chains on a clock moved by hand: steps, repeats, policies, silences pausing them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onwatch.incidents import (
    Category,
    Incident,
    InvalidInput,
    Mark,
    Severity,
    State,
    TransitionError,
    lifecycle,
)
from onwatch.incidents.escalation import (
    DueStep,
    EscalationPolicy,
    Step,
    default_policy,
    due_steps,
    next_due_at,
    next_manual_step,
    policy_for,
    record_step,
)
from onwatch.incidents.reminders import unacknowledge
from onwatch.incidents.silences import Silence, apply_silences
from tests.incidents.conftest import T0, FakeClock


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def at(n: float) -> datetime:
    return T0 + minutes(n)


def new_incident(
    *,
    source: str = "web-01",
    check: str = "api",
    metric: str = "latency",
    severity: Severity = Severity.CRITICAL,
    category: Category = Category.LATENCY,
    opened: datetime = T0,
) -> Incident:
    return lifecycle.open_incident(
        incident_id=12,
        source=source,
        check=check,
        metric=metric,
        title="api latency 950ms above critical 500ms",
        severity=severity,
        category=category,
        value=950.0,
        threshold=500.0,
        at=opened,
    )


CHAIN = EscalationPolicy(
    "web critical",
    {"severity": "critical", "source": "web-*"},
    (
        Step(minutes(0), ("oncall",)),
        Step(minutes(15), ("teamLead",)),
        Step(minutes(30), ("ITSupport",)),
    ),
)


def fire(incident: Incident, policy: EscalationPolicy, now: datetime) -> tuple[Incident, list]:
    """What the engine does on each tick: record every due step, return what was notified."""
    notified = []
    for due in due_steps(incident, policy, now):
        incident = record_step(incident, due, at=now)
        notified.append((due.level, due.step.notify))
    return incident, notified


# --- the chain --------------------------------------------------------------------------------


def test_first_step_is_due_as_the_incident_opens_and_leaves_the_level_at_zero() -> None:
    incident = new_incident()
    [due] = due_steps(incident, CHAIN, T0)
    assert (due.level, due.step.notify, due.at, due.label) == (0, ("oncall",), T0, "step 1/3")
    paged = record_step(incident, due, at=T0)
    assert paged.escalation_level == 0
    assert paged.timeline[-1].kind == "paged"
    assert "oncall" in paged.timeline[-1].note
    assert due_steps(paged, CHAIN, T0) == []


def test_each_step_fires_when_its_time_comes(clock: FakeClock) -> None:
    incident = new_incident()
    log = []
    for _ in range(45):
        incident, notified = fire(incident, CHAIN, clock.now)
        log += [(clock.now - T0, n) for n in notified]
        clock.advance(minutes=1)
    assert log == [
        (minutes(0), (0, ("oncall",))),
        (minutes(15), (1, ("teamLead",))),
        (minutes(30), (2, ("ITSupport",))),
    ]
    assert incident.escalation_level == 2
    assert [e.kind for e in incident.timeline] == ["opened", "paged", "escalated", "escalated"]
    assert incident.timeline[-1].note == "step 3/3: ITSupport"


def test_a_late_tick_returns_every_overdue_step_with_its_own_due_time() -> None:
    incident, _ = fire(new_incident(), CHAIN, T0)
    due = due_steps(incident, CHAIN, at(40))
    assert [(d.level, d.at) for d in due] == [(1, at(15)), (2, at(30))]


def test_next_due_at_tells_the_engine_when_to_wake_up() -> None:
    incident, _ = fire(new_incident(), CHAIN, T0)
    assert next_due_at(incident, CHAIN) == at(15)
    incident, _ = fire(incident, CHAIN, at(31))
    assert next_due_at(incident, CHAIN) is None


def test_acknowledging_stops_the_timers() -> None:
    incident, _ = fire(new_incident(), CHAIN, T0)
    acked = lifecycle.acknowledge(incident, by="dana", at=at(5))
    assert due_steps(acked, CHAIN, at(60)) == []
    assert next_due_at(acked, CHAIN) is None


@pytest.mark.parametrize("end", ["resolve", "close"])
def test_resolved_or_closed_incidents_have_nothing_due(end: str) -> None:
    incident = getattr(lifecycle, end)(new_incident(), by="onwatch", at=at(1))
    assert due_steps(incident, CHAIN, at(60)) == []


def test_manual_escalate_fires_the_next_step_and_its_timer_never_fires_again() -> None:
    incident, _ = fire(new_incident(), CHAIN, T0)
    manual = next_manual_step(incident, CHAIN)
    assert (manual.level, manual.step.notify, manual.at) == (1, ("teamLead",), at(15))
    incident = record_step(incident, manual, at=at(3), by="dana")
    assert incident.escalation_level == 1
    assert incident.timeline[-1].by == "dana"
    assert due_steps(incident, CHAIN, at(20)) == []
    assert [d.level for d in due_steps(incident, CHAIN, at(30))] == [2]


def test_operator_escalate_through_lifecycle_counts_as_the_step_too() -> None:
    incident, _ = fire(new_incident(), CHAIN, T0)
    incident = lifecycle.escalate(incident, by="dana", at=at(2))
    assert [d.level for d in due_steps(incident, CHAIN, at(31))] == [2]


def test_manual_escalate_past_the_end_goes_round_the_chain_again() -> None:
    incident, _ = fire(new_incident(), CHAIN, at(0))
    incident, _ = fire(incident, CHAIN, at(30))
    manual = next_manual_step(incident, CHAIN)
    assert (manual.level, manual.step.notify, manual.cycle) == (3, ("oncall",), 1)


def test_a_step_cannot_be_recorded_twice() -> None:
    incident = new_incident()
    [first] = due_steps(incident, CHAIN, T0)
    incident = record_step(incident, first, at=T0)
    with pytest.raises(TransitionError):
        record_step(incident, first, at=T0)
    [second] = due_steps(incident, CHAIN, at(15))
    incident = record_step(incident, second, at=at(15))
    with pytest.raises(TransitionError):
        record_step(incident, second, at=at(16))


def test_a_delayed_first_step_waits_and_e_can_send_it_early() -> None:
    policy = EscalationPolicy(
        "quiet", {}, (Step(minutes(5), ("oncall",)), Step(minutes(20), ("lead",)))
    )
    incident = new_incident()
    assert due_steps(incident, policy, at(4)) == []
    assert [d.level for d in due_steps(incident, policy, at(5))] == [0]
    manual = next_manual_step(incident, policy)
    assert (manual.level, manual.step.notify) == (0, ("oncall",))
    incident = record_step(incident, manual, at=at(1), by="dana")
    assert due_steps(incident, policy, at(19)) == []
    assert next_manual_step(incident, policy).step.notify == ("lead",)


# --- repeat -----------------------------------------------------------------------------------


def test_repeat_restarts_the_chain_after_one_period_and_stops_after_r_repeats() -> None:
    policy = EscalationPolicy("loud", {}, CHAIN.steps, repeat=2)
    assert policy.period == minutes(45)
    incident = new_incident()
    fired = []
    for minute in range(0, 200):
        incident, notified = fire(incident, policy, at(minute))
        fired += [(minute, level, names) for level, names in notified]
    assert [(m, lvl) for m, lvl, _ in fired] == [
        (0, 0), (15, 1), (30, 2),
        (45, 3), (60, 4), (75, 5),
        (90, 6), (105, 7), (120, 8),
    ]  # fmt: skip
    assert [names for *_, names in fired[3:6]] == [("oncall",), ("teamLead",), ("ITSupport",)]
    assert incident.timeline[-1].note == "step 3/3, repeat 2: ITSupport"


def test_single_step_repeats_every_after() -> None:
    policy = EscalationPolicy("nag", {}, (Step(minutes(10), ("oncall",)),), repeat=2)
    incident = new_incident()
    fired = []
    for minute in range(0, 60):
        incident, notified = fire(incident, policy, at(minute))
        fired += [minute for _ in notified]
    assert fired == [10, 20, 30]


def test_a_single_step_at_zero_cannot_repeat() -> None:
    with pytest.raises(InvalidInput, match="renotify"):
        EscalationPolicy("bad", {}, (Step(minutes(0), ("oncall",)),), repeat=1)


# --- matching ---------------------------------------------------------------------------------


def test_policy_matching_uses_globs_and_the_first_match_wins() -> None:
    web = EscalationPolicy("web", {"source": "web-*", "severity": "crit*"}, CHAIN.steps)
    api = EscalationPolicy("api", {"check": "api"}, CHAIN.steps)
    catch_all = default_policy(["oncall", "lead"])
    policies = [web, api, catch_all]
    assert policy_for(new_incident(), policies) is web
    assert policy_for(new_incident(source="db-01"), policies) is api
    assert policy_for(new_incident(severity=Severity.WARNING), policies) is api
    assert policy_for(new_incident(source="db-01", check="disk"), policies) is catch_all
    assert policy_for(new_incident(source="db-01", check="disk"), [web, api]) is None


def test_policy_matches_category_and_priority_case_insensitively() -> None:
    policy = EscalationPolicy("p1", {"priority": "p[12]", "category": "LATENCY"}, CHAIN.steps)
    assert policy.matches(new_incident())  # critical latency -> P2
    assert not policy.matches(new_incident(severity=Severity.INFO))


def test_default_policy_notifies_every_channel_at_once() -> None:
    policy = default_policy(["oncall", "teamLead"])
    [due] = due_steps(new_incident(), policy, T0)
    assert due.step.notify == ("oncall", "teamLead")
    assert policy.match == {}


@pytest.mark.parametrize(
    ("match", "steps", "repeat", "message"),
    [
        ({}, (), 0, "at least one step"),
        ({}, (Step(minutes(15), ("a",)), Step(minutes(15), ("b",))), 0, "in order"),
        ({}, (Step(minutes(15), ("a",)), Step(minutes(5), ("b",))), 0, "in order"),
        ({}, (Step(minutes(0), ("a",)),), -1, "negative"),
        ({"host": "web-*"}, (Step(minutes(0), ("a",)),), 0, "cannot match on 'host'"),
        ({"severity": "crit"}, (Step(minutes(0), ("a",)),), 0, "matches none"),
    ],
)
def test_invalid_policies_are_refused(match, steps, repeat, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        EscalationPolicy("bad", match, steps, repeat)


def test_a_step_cannot_be_negative_and_names_each_channel_once() -> None:
    with pytest.raises(InvalidInput):
        Step(minutes(-1), ("a",))
    assert Step(minutes(0), ("a", "b", "a")).notify == ("a", "b")


# --- silences ---------------------------------------------------------------------------------


def silence(start: float, end: float) -> Silence:
    return Silence(1, {"source": "web-01"}, at(start), at(end), "deploy", "dana")


def test_silenced_incidents_get_nothing() -> None:
    incident = apply_silences(new_incident(), [silence(0, 120)], now=T0)
    assert incident.has(Mark.SILENCED)
    assert due_steps(incident, CHAIN, at(60)) == []
    assert next_due_at(incident, CHAIN) is None


def test_an_incident_opened_during_a_silence_pages_when_it_ends_and_the_chain_follows() -> None:
    s = silence(0, 60)
    incident = apply_silences(new_incident(), [s], now=T0)
    incident = apply_silences(incident, [s], now=at(60))
    assert not incident.has(Mark.SILENCED)
    due = due_steps(incident, CHAIN, at(60))
    # Time spent silenced does not count: only the first page, not the whole chain at once.
    assert [(d.level, d.at) for d in due] == [(0, at(60))]
    incident, _ = fire(incident, CHAIN, at(60))
    assert next_due_at(incident, CHAIN) == at(75)


def test_a_silence_in_the_middle_of_the_chain_pauses_it() -> None:
    s = silence(10, 20)
    incident, _ = fire(new_incident(), CHAIN, T0)
    incident = apply_silences(incident, [s], now=at(10))
    incident = apply_silences(incident, [s], now=at(20))
    assert due_steps(incident, CHAIN, at(24)) == []
    assert [(d.level, d.at) for d in due_steps(incident, CHAIN, at(25))] == [(1, at(25))]


# --- properties -------------------------------------------------------------------------------

policies = st.builds(
    lambda first, gaps, repeat: EscalationPolicy(
        "p",
        {},
        tuple(Step(minutes(first + sum(gaps[:i])), (f"c{i}",)) for i in range(len(gaps) + 1)),
        repeat if (first or gaps) else 0,
    ),
    st.integers(0, 10),
    st.lists(st.integers(1, 30), max_size=3),
    st.integers(0, 2),
)

actions = st.lists(
    st.tuples(
        st.sampled_from(["tick", "tick", "escalate", "silence", "unsilence", "ack", "unack"]),
        st.integers(0, 40),
    ),
    max_size=14,
)


def act(incident: Incident, action: str, policy: EscalationPolicy, now: datetime) -> Incident:
    """An operator's or a timer's move other than a tick; moves the state does not allow are
    skipped, as the engine would refuse them."""
    if action == "escalate" and incident.state.is_active:
        return record_step(incident, next_manual_step(incident, policy), at=now, by="dana")
    if action == "silence":
        return lifecycle.mark(incident, Mark.SILENCED, at=now, note="deploy")
    if action == "unsilence":
        return lifecycle.unmark(incident, Mark.SILENCED, at=now, note="", kind="unsilenced")
    if action == "ack" and incident.state is State.TRIGGERED:
        return lifecycle.acknowledge(incident, by="dana", at=now)
    if action == "unack" and incident.state is State.ACKNOWLEDGED:
        return unacknowledge(incident, at=now)
    return incident


@settings(max_examples=200, deadline=None)
@given(policy=policies, script=actions)
def test_due_steps_are_never_below_the_level_nor_in_the_future_and_fold_like_one_tick(
    policy: EscalationPolicy, script: list[tuple[str, int]]
) -> None:
    incident = new_incident()
    now = T0
    for action, wait in script:
        now += minutes(wait)
        if action != "tick":
            incident = act(incident, action, policy, now)
            continue
        before = incident.escalation_level
        due = due_steps(incident, policy, now)
        assert all(d.at <= now for d in due)
        assert all(d.level > before or d.level == 0 == before for d in due)
        levels = [d.level for d in due]
        if levels:  # consecutive: no level is skipped
            assert levels == list(range(levels[0], levels[0] + len(levels)))
        if incident.has(Mark.SILENCED) or incident.state is not State.TRIGGERED:
            assert due == []

        # Folding the steps one small tick at a time ends where one big tick does.
        stepwise = incident
        for moment in sorted({d.at for d in due}):
            for d in due_steps(stepwise, policy, moment):
                stepwise = record_step(stepwise, d, at=moment)
        for d in due:
            incident = record_step(incident, d, at=now)
        assert stepwise.escalation_level == incident.escalation_level
        assert due_steps(incident, policy, now) == []
        assert incident.escalation_level >= before


@settings(max_examples=100, deadline=None)
@given(policy=policies, wait=st.integers(0, 500))
def test_every_level_up_to_the_end_of_the_chain_fires_exactly_once(
    policy: EscalationPolicy, wait: int
) -> None:
    incident = new_incident()
    seen: list[DueStep] = []
    for minute in range(0, wait + 1, 7):
        for d in due_steps(incident, policy, at(minute)):
            incident = record_step(incident, d, at=at(minute))
            seen.append(d)
    levels = [d.level for d in seen]
    assert levels == list(range(len(levels)))
    assert len(levels) <= policy.levels
