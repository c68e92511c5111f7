"""The review fields, the changes near an incident, and what fixed it last time."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from onwatch.incidents import Category, EntryKind, InvalidInput, Severity, lifecycle
from onwatch.incidents.changes import near, new_change, rebooted
from onwatch.incidents.precedents import Search, similarity, tokens
from onwatch.incidents.review import review
from tests.incidents.conftest import T0


def opened(incident_id: int = 1, *, title: str = "api down", metric: str = "up", at=T0):
    return lifecycle.open_incident(
        incident_id=incident_id,
        source="api",
        check="api",
        metric=metric,
        title=title,
        severity=Severity.CRITICAL,
        category=Category.AVAILABILITY,
        value=None,
        threshold=None,
        at=at,
    )


def closed(incident_id: int, *, title: str = "api down", metric: str = "up", days_ago: float):
    start = T0 - timedelta(days=days_ago)
    incident = opened(incident_id, title=title, metric=metric, at=start)
    incident = lifecycle.resolve(incident, by="onwatch", at=start + timedelta(minutes=20))
    return lifecycle.close(
        incident, by="dana", at=start + timedelta(hours=1), note=f"fix {incident_id}"
    )


def test_a_review_sets_the_root_cause_and_appends_actions() -> None:
    first = review(opened(), root_cause=" cert expired ", actions=["renew"], by="dana", at=T0)
    again = review(first, actions=["alert 14 days ahead"], by="lee", at=T0)
    assert again.root_cause == "cert expired"
    assert again.actions == ("renew", "alert 14 days ahead")
    assert [e.kind for e in again.timeline[-2:]] == [EntryKind.REVIEWED, EntryKind.REVIEWED]
    assert again.timeline[-2].note == "root cause: cert expired; action: renew"
    replaced = review(again, root_cause="a CA change", by="lee", at=T0)
    assert (replaced.root_cause, replaced.actions) == ("a CA change", again.actions)


@pytest.mark.parametrize(
    ("cause", "actions", "message"),
    [(None, [], "needs a root cause"), ("  ", ["  "], "needs some text"), ("x" * 4001, [], "4000")],
)
def test_a_review_with_nothing_or_too_much_is_refused(cause, actions, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        review(opened(), root_cause=cause, actions=actions, by="dana", at=T0)


def test_changes_near_an_incident_run_from_two_hours_before_until_it_resolved() -> None:
    incident = lifecycle.resolve(opened(), by="onwatch", at=T0 + timedelta(minutes=30))
    changes = [
        new_change(1, "too early", at=T0 - timedelta(hours=2, minutes=1), source="", by="x"),
        new_change(2, "deploy", at=T0 - timedelta(minutes=50), source="api", by="x"),
        new_change(3, "config edit", at=T0 - timedelta(minutes=5), source="", by="x"),
        new_change(4, "rollback", at=T0 + timedelta(minutes=10), source="api", by="x"),
        new_change(5, "after it resolved", at=T0 + timedelta(minutes=31), source="", by="x"),
    ]
    found = near(changes, incident, now=T0 + timedelta(days=1))
    assert [c.id for c in found] == [3, 4, 2]  # nearest to the opening first


def test_a_change_of_an_unresolved_incident_counts_until_now() -> None:
    late = new_change(1, "hotfix", at=T0 + timedelta(hours=5), source="", by="x")
    assert near([late], opened(), now=T0 + timedelta(hours=6)) == [late]
    assert near([late], opened(), now=T0 + timedelta(hours=4)) == []


def test_a_reboot_is_a_boot_time_that_moved_not_a_first_sighting() -> None:
    assert not rebooted(None, 1000.0)
    assert not rebooted(1000.0, 1001.0)  # clock adjustments wander a little
    assert rebooted(1000.0, 5000.0)


def test_titles_are_compared_by_their_words_without_numbers() -> None:
    assert tokens("API down: HTTP 503 (3 times)") == {"api", "down", "http", "times"}
    assert similarity("disk full on /var", "disk full on /var") == 1.0
    assert similarity("disk full on /var", "cpu busy") == 0.0
    assert similarity("disk / full 95%", "disk / full 97%") == 1.0


def test_the_same_fingerprint_comes_first_then_similar_titles_on_the_source() -> None:
    now = opened(50, title="api down: connection refused")
    search = Search(now)
    for candidate in (
        closed(40, title="api slow", metric="latency", days_ago=1),
        closed(30, title="api down: timeout", metric="up", days_ago=2),
        closed(20, title="api down: connection refused again", metric="other", days_ago=3),
        closed(10, title="api down", metric="up", days_ago=4),
    ):
        search.offer(candidate)
    found = search.result()
    assert [(p.id, p.same_fingerprint) for p in found] == [(30, True), (10, True), (20, False)]
    assert found[0].lasted == timedelta(minutes=20)
    assert found[0].resolution == "fix 30"


def test_open_and_later_incidents_and_other_sources_are_not_precedents() -> None:
    target = opened(5)
    search = Search(target)
    search.offer(opened(4, at=T0 - timedelta(days=1)))  # not closed
    search.offer(dataclasses.replace(closed(6, days_ago=-1)))  # after this one opened
    search.offer(dataclasses.replace(closed(3, days_ago=1), source="db", fingerprint="db/x/y"))
    search.offer(target)
    assert search.result() == []
    assert not search.full


def test_the_search_is_full_at_three_of_the_same_fingerprint() -> None:
    search = Search(opened(9))
    for n in range(1, 4):
        search.offer(closed(n, days_ago=n))
    assert search.full
    assert all(p.same_fingerprint for p in search.result())
