"""The checklist: defaults, then the check's items and runbook; ticks by text, on the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onwatch.incidents import Category, EntryKind, InvalidInput, Severity
from onwatch.incidents.checklist import DEFAULT_ITEMS, Guide, checklist, guides, tick
from onwatch.incidents.lifecycle import open_incident
from tests.incidents.conftest import T0

GUIDE = Guide(
    items=("Look at the load balancer", "Check recent changes"), runbook="https://wiki/api"
)


def incident():
    return open_incident(
        incident_id=7,
        source="api",
        check="api",
        metric="up",
        title="api down",
        severity=Severity.CRITICAL,
        category=Category.AVAILABILITY,
        value=None,
        threshold=None,
        at=T0,
    )


def test_the_checklist_lists_defaults_then_the_checks_items_then_its_runbook() -> None:
    texts = [item.text for item in checklist(incident(), GUIDE)]
    assert texts == [
        *DEFAULT_ITEMS,
        "Look at the load balancer",  # "Check recent changes" again is not listed twice
        "Follow the runbook: https://wiki/api",
    ]
    assert [item.number for item in checklist(incident(), GUIDE)] == [1, 2, 3, 4, 5]
    assert not any(item.done for item in checklist(incident(), GUIDE))


def test_ticking_records_who_and_when_and_a_second_tick_changes_nothing() -> None:
    at = T0 + timedelta(minutes=5)
    ticked = tick(incident(), 4, GUIDE, by="dana", at=at)
    entry = ticked.timeline[-1]
    assert (entry.kind, entry.by, entry.at, entry.note) == (
        EntryKind.CHECKED,
        "dana",
        at,
        "Look at the load balancer",
    )
    item = checklist(ticked, GUIDE)[3]
    assert item.done and item.tick is not None and item.tick.by == "dana"
    again = tick(ticked, 4, GUIDE, by="lee", at=at + timedelta(minutes=1))
    assert again is ticked


def test_undo_unticks_and_unticking_an_open_item_changes_nothing() -> None:
    ticked = tick(incident(), 1, by="dana", at=T0)
    unticked = tick(ticked, 1, by="lee", at=T0 + timedelta(minutes=1), undo=True)
    assert unticked.checked == ()
    assert unticked.timeline[-1].kind == EntryKind.UNCHECKED
    assert tick(unticked, 1, by="lee", at=T0, undo=True) is unticked


@pytest.mark.parametrize("number", [0, 4, -1, 99])
def test_an_item_out_of_range_is_refused(number: int) -> None:
    with pytest.raises(InvalidInput, match="items 1 to 3"):
        tick(incident(), number, by="dana", at=T0)


def test_an_item_ticked_before_the_config_changed_stays_listed_and_ticked() -> None:
    ticked = tick(incident(), 4, GUIDE, by="dana", at=T0)
    items = checklist(ticked)  # the check's items are gone from the config
    assert [i.text for i in items] == [*DEFAULT_ITEMS, "Look at the load balancer"]
    assert items[-1].done


def test_guides_join_a_configs_checklists_and_runbooks_by_check() -> None:
    found = guides({"api": ("a", "b")}, {"api": "https://r", "db": "https://d"})
    assert found == {"api": Guide(("a", "b"), "https://r"), "db": Guide((), "https://d")}


def test_ticks_and_review_fields_round_trip_and_old_records_load_without_them() -> None:
    from onwatch.incidents.codec import incident_from_dict, incident_to_dict
    from onwatch.incidents.review import review

    done = review(
        tick(incident(), 2, by="dana", at=T0), root_cause="x", actions=["y"], by="dana", at=T0
    )
    assert incident_from_dict(incident_to_dict(done)) == done
    old = incident_to_dict(incident())
    for key in ("checked", "root_cause", "actions", "peak"):
        del old[key]
    loaded = incident_from_dict(old)
    assert (loaded.checked, loaded.root_cause, loaded.actions, loaded.peak) == ((), "", (), None)
