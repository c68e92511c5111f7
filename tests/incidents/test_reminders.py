"""Reminders and the acknowledgement timeout, on a clock moved by hand."""

from __future__ import annotations

import pytest

from onwatch.incidents import InvalidInput, Mark, State, TransitionError, lifecycle
from onwatch.incidents.escalation import due_steps, next_due_at
from onwatch.incidents.reminders import ack_expired, renotify_due, unacknowledge
from tests.incidents.conftest import T0
from tests.incidents.test_escalation import CHAIN, at, fire, minutes, new_incident

# --- renotify ---------------------------------------------------------------------------------


def test_renotify_repeats_with_backoff() -> None:
    incident = new_incident()
    every = minutes(30)
    last, times, reminders = T0, 0, []
    for minute in range(0, 8 * 60):
        now = at(minute)
        if renotify_due(
            incident,
            last_notified_at=last,
            times_renotified=times,
            every=every,
            backoff=2.0,
            now=now,
        ):
            reminders.append(minute)
            last, times = now, times + 1
    assert reminders == [30, 90, 210, 450]  # gaps of 30m, 1h, 2h, 4h


def test_renotify_without_backoff_keeps_a_steady_interval() -> None:
    kwargs = {"every": minutes(30), "times_renotified": 5}
    assert renotify_due(new_incident(), last_notified_at=T0, now=at(30), **kwargs)
    assert not renotify_due(new_incident(), last_notified_at=T0, now=at(29), **kwargs)


def test_renotify_only_while_triggered_unsilenced_and_already_notified() -> None:
    kwargs = {"times_renotified": 0, "every": minutes(30), "now": at(90)}
    acked = lifecycle.acknowledge(new_incident(), by="dana", at=at(1))
    silenced = lifecycle.mark(new_incident(), Mark.SILENCED, at=at(1), note="deploy")
    assert not renotify_due(acked, last_notified_at=T0, **kwargs)
    assert not renotify_due(silenced, last_notified_at=T0, **kwargs)
    assert not renotify_due(new_incident(), last_notified_at=None, **kwargs)
    with pytest.raises(InvalidInput):
        renotify_due(
            new_incident(), last_notified_at=T0, times_renotified=0, every=minutes(0), now=T0
        )
    with pytest.raises(InvalidInput):
        renotify_due(
            new_incident(),
            last_notified_at=T0,
            times_renotified=0,
            every=minutes(5),
            backoff=0.5,
            now=T0,
        )


def test_a_runaway_backoff_is_never_due_rather_than_crashing() -> None:
    assert not renotify_due(
        new_incident(),
        last_notified_at=T0,
        times_renotified=400,
        every=minutes(30),
        backoff=10.0,
        now=at(1),
    )


# --- acknowledgement timeout ------------------------------------------------------------------


def test_ack_expires_after_the_timeout_only_while_acknowledged() -> None:
    acked = lifecycle.acknowledge(new_incident(), by="dana", at=at(10))
    assert not ack_expired(acked, ack_timeout=minutes(120), now=at(129))
    assert ack_expired(acked, ack_timeout=minutes(120), now=at(130))
    resolved = lifecycle.resolve(acked, by="onwatch", at=at(20))
    assert not ack_expired(resolved, ack_timeout=minutes(120), now=at(500))
    assert not ack_expired(new_incident(), ack_timeout=minutes(120), now=at(500))


def test_unacknowledge_returns_to_triggered_and_pages_again_from_the_first_step() -> None:
    incident, _ = fire(new_incident(), CHAIN, T0)
    incident, _ = fire(incident, CHAIN, at(15))
    incident = lifecycle.acknowledge(incident, by="dana", at=at(20))
    back = unacknowledge(incident, at=at(140))
    assert back.state is State.TRIGGERED
    assert back.acknowledged_at is None
    assert back.escalation_level == 0
    entry = back.timeline[-1]
    assert (entry.kind, entry.by, entry.note) == (
        "unacknowledged", "onwatch", "acknowledged 2h00m ago and still not resolved"
    )  # fmt: skip
    assert [(d.level, d.at) for d in due_steps(back, CHAIN, at(140))] == [(0, at(140))]
    back, _ = fire(back, CHAIN, at(140))
    assert next_due_at(back, CHAIN) == at(155)


def test_unacknowledge_refuses_anything_but_acknowledged() -> None:
    with pytest.raises(TransitionError, match="cannot unacknowledge incident 12"):
        unacknowledge(new_incident(), at=at(1), note="timed out")
