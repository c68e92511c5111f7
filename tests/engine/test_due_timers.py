"""The due-timer index gives the answer of asking every open incident, on random incident sets
moved through random times, operator actions, silences and settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onwatch.engine.paging import Pager
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Category, Incident, Severity, lifecycle
from onwatch.incidents.maintenance import Maintenance
from onwatch.incidents.policy import EscalationPolicy, Step
from onwatch.incidents.silences import Silence
from onwatch.notify import Channel

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
SOURCES = ("web-01", "web-02", "db-01")

minutes = st.integers(min_value=0, max_value=180).map(lambda m: timedelta(minutes=m))


@st.composite
def notify_settings(draw: st.DrawFn) -> NotifySettings:
    channels = (Channel("oncall", "json://127.0.0.1:9/oncall"), Channel("lead", "json://x/lead"))
    policies: tuple[EscalationPolicy, ...] = ()
    if draw(st.booleans()):
        afters = sorted(draw(st.lists(minutes, min_size=1, max_size=3, unique=True)))
        steps = tuple(
            Step(after, ("oncall",) if n % 2 else ("lead",)) for n, after in enumerate(afters)
        )
        # A lone step at 0 has nothing to repeat after (the config refuses it).
        repeat = draw(st.integers(0, 2)) if afters[-1] > timedelta(0) else 0
        policies = (EscalationPolicy("p", {}, steps, repeat=repeat),)
    maintenance: tuple[Maintenance, ...] = ()
    if draw(st.integers(0, 3)) == 0:
        start = T0 + draw(minutes)
        maintenance = (
            Maintenance(
                {"source": draw(st.sampled_from(SOURCES))},
                start,
                start + draw(minutes) + timedelta(minutes=1),
            ),
        )
    return NotifySettings(
        channels=channels,
        policies=policies,
        maintenance=maintenance,
        renotify=draw(st.none() | minutes.map(lambda d: d + timedelta(minutes=1))),
        renotify_backoff=draw(st.sampled_from([1.0, 1.5, 2.0])),
        ack_timeout=draw(st.none() | minutes.map(lambda d: d + timedelta(minutes=1))),
    )


@st.composite
def silence_sets(draw: st.DrawFn) -> list[Silence]:
    found = []
    for number in range(1, draw(st.integers(0, 3)) + 1):
        start = T0 + draw(minutes)
        end = start + draw(minutes) + timedelta(minutes=1)
        expired = draw(st.none() | st.just(start + (end - start) / 2))
        found.append(
            Silence(
                number,
                {"source": draw(st.sampled_from(SOURCES))},
                start,
                end,
                "work",
                "dana",
                expired,
            )
        )
    return found


def opened(number: int, at: datetime) -> Incident:
    return lifecycle.open_incident(
        incident_id=number,
        source=SOURCES[number % len(SOURCES)],
        check="http",
        metric=f"m{number}",
        title=f"incident {number}",
        severity=Severity.CRITICAL,
        category=Category.AVAILABILITY,
        value=None,
        threshold=None,
        at=at,
    )


def act(incident: Incident, action: str, at: datetime) -> Incident:
    try:
        if action == "ack":
            return lifecycle.acknowledge(incident, by="dana", at=at)
        if action == "resolve":
            return lifecycle.resolve(incident, by="dana", at=at)
        if action == "reopen":
            return lifecycle.reopen(incident, by="dana", at=at)
        if action == "escalate":
            return lifecycle.escalate(incident, by="dana", at=at)
    except Exception:  # an action that does not apply to this state leaves it as it is
        return incident
    return incident


steps = st.lists(
    st.tuples(
        st.integers(min_value=-30, max_value=40).map(lambda m: timedelta(minutes=m)),
        st.sampled_from(["none", "ack", "resolve", "reopen", "escalate", "silences", "open"]),
        st.integers(0, 30),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    notify=notify_settings(),
    silences=silence_sets(),
    later_silences=silence_sets(),
    count=st.integers(0, 12),
    moves=steps,
)
def test_the_index_answers_as_asking_every_incident_does(
    notify: NotifySettings,
    silences: list[Silence],
    later_silences: list[Silence],
    count: int,
    moves: list[tuple[timedelta, str, int]],
) -> None:
    pager = Pager(notify)
    pager.silences = silences
    now = T0
    incidents = {n: opened(n, T0 - timedelta(minutes=5 * n)) for n in range(1, count + 1)}
    next_id = count + 1
    for step, action, pick in moves:
        now += step
        if action == "silences":
            pager.silences = later_silences
        elif action == "open":
            incidents[next_id] = opened(next_id, now)
            pager.due.note(incidents[next_id], now)
            next_id += 1
        elif incidents:
            chosen = sorted(incidents)[pick % len(incidents)]
            incidents[chosen] = act(incidents[chosen], action, now)
            pager.due.note(incidents[chosen], now)
        expected = pager.is_due(incidents.values(), now)
        assert pager.any_due(incidents, now) == expected
        if expected:
            # What the timers job would write, coming back to the engine.
            for number, incident in list(incidents.items()):
                if incident.state.is_active:
                    incidents[number] = pager._advance(incident, now)
                    pager.due.note(incidents[number], now)
            assert not pager.any_due(incidents, now)
            assert not pager.is_due(incidents.values(), now)


def test_a_timer_far_off_is_not_looked_at_until_it_comes() -> None:
    notify = NotifySettings(
        channels=(Channel("oncall", "json://127.0.0.1:9/oncall"),),
        policies=(
            EscalationPolicy(
                "p", {}, (Step(timedelta(0), ("oncall",)), Step(timedelta(hours=1), ("oncall",)))
            ),
        ),
    )
    looked: list[int] = []
    pager = Pager(notify)
    real = pager._advance

    def counting(incident: Incident, now: datetime) -> Incident:
        looked.append(incident.id)
        return real(incident, now)

    pager._advance = counting  # type: ignore[method-assign]
    incidents = {n: opened(n, T0) for n in range(1, 501)}
    assert pager.any_due(incidents, T0)  # the first page of each is due at once
    for number, incident in incidents.items():
        incidents[number] = real(incident, T0)
        pager.due.note(incidents[number], T0)
    looked.clear()
    for second in range(1, 600):
        assert not pager.any_due(incidents, T0 + timedelta(seconds=second))
    assert looked == []
    assert pager.any_due(incidents, T0 + timedelta(hours=1))
    assert len(looked) == 1
