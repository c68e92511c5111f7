"""The incident screen's keys of diagnosis and review: tick the checklist (k), record the
review (v), export the postmortem (x); and what the screen shows around the incident. Every
result is checked against the store or the file written."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from onwatch.engine.operations import Operations
from onwatch.incidents import EntryKind, lifecycle
from onwatch.incidents.checklist import Guide
from onwatch.store import ChangeStore, IncidentStore
from onwatch.tui.app import OnwatchApp
from onwatch.tui.screens.incident import IncidentScreen
from onwatch.tui.screens.review_dialogs import ChecklistDialog, ReviewDialog
from tests.tui.conftest import NOW, FixedClock, build_app
from tests.tui.test_keys import SIZE, open_dialog, select, settle, until
from tests.tui.test_people_keys import shown_text, toasts

GUIDES = {"api": Guide(items=("Check the load balancer",), runbook="https://wiki.example/api")}


@pytest.fixture
def changes(tmp_path: Path) -> ChangeStore:
    return ChangeStore(tmp_path / "changes.json")


@pytest.fixture
def reviewing(store: IncidentStore, tmp_path: Path, changes: ChangeStore) -> OnwatchApp:
    return build_app(store, tmp_path, guides=GUIDES, changes=changes, export_dir=tmp_path)


async def open_api_incident(pilot) -> IncidentScreen:
    await settle(pilot)
    await select(pilot, 2)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, IncidentScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.context is not None)
    return screen


async def test_checklist_key_ticks_the_picked_item_and_a_second_pick_unticks_it(
    reviewing: OnwatchApp, store: IncidentStore
) -> None:
    async with reviewing.run_test(size=SIZE) as pilot:
        screen = await open_api_incident(pilot)
        assert [i.text for i in screen.context.checklist][3:] == [
            "Check the load balancer",
            "Follow the runbook: https://wiki.example/api",
        ]
        await open_dialog(pilot, "k")
        assert isinstance(reviewing.screen, ChecklistDialog)
        await pilot.press("down", "down", "down", "enter")  # the fourth: the check's own item
        await settle(pilot)
        await until(pilot, lambda: bool(store.get(2).checked))
        tick = store.get(2).checked[0]
        assert (tick.item, tick.by, tick.at) == ("Check the load balancer", "dana", NOW)
        assert store.get(2).timeline[-1].kind == EntryKind.CHECKED
        await until(pilot, lambda: screen.context is not None and screen.context.checklist[3].done)
        assert "4. [x] Check the load balancer" in shown_text(reviewing, "#checklist")
        assert any("ticked item 4" in m for m in toasts(reviewing))
        await open_dialog(pilot, "k")
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        await until(pilot, lambda: not store.get(2).checked)
        assert store.get(2).timeline[-1].kind == EntryKind.UNCHECKED


async def test_checklist_dialog_cancelled_changes_nothing(
    reviewing: OnwatchApp, store: IncidentStore
) -> None:
    before = store.get(2)
    async with reviewing.run_test(size=SIZE) as pilot:
        await open_api_incident(pilot)
        await open_dialog(pilot, "k")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(reviewing.screen, IncidentScreen)
    assert store.get(2) == before


async def test_review_key_records_the_root_cause_and_an_action(
    reviewing: OnwatchApp, store: IncidentStore
) -> None:
    async with reviewing.run_test(size=SIZE) as pilot:
        screen = await open_api_incident(pilot)
        await open_dialog(pilot, "v")
        assert isinstance(reviewing.screen, ReviewDialog)
        await pilot.press(*"pool | exhausted", "enter", *"raise the pool", "enter")
        await settle(pilot)
        await until(pilot, lambda: store.get(2).root_cause == "pool | exhausted")
        assert store.get(2).actions == ("raise the pool",)
        await until(pilot, lambda: "raise the pool" in shown_text(reviewing, "#review"))
        await open_dialog(pilot, "v")  # the root cause is there already: one more action
        await pilot.press("tab", *"alert earlier", "enter")
        await settle(pilot)
        await until(pilot, lambda: len(store.get(2).actions) == 2)
        assert store.get(2).root_cause == "pool | exhausted"
        assert screen.incident.actions == ("raise the pool", "alert earlier")


async def test_export_key_writes_the_postmortem_and_says_where(
    reviewing: OnwatchApp, store: IncidentStore, tmp_path: Path
) -> None:
    Operations(store, clock=FixedClock(), operator="lee").note(2, "restarted | the proxy")
    async with reviewing.run_test(size=SIZE) as pilot:
        await open_api_incident(pilot)
        await pilot.press("x")
        await settle(pilot)
        written = tmp_path / "postmortem-2.md"
        await until(pilot, written.exists)
        await until(pilot, lambda: any(str(written) in m for m in toasts(reviewing)))
    text = written.read_text()
    assert text.startswith("# Postmortem: incident #2: api: connection refused\n")
    assert "| lee | note: restarted \\| the proxy |" in text
    assert "- [ ] 4. Check the load balancer" in text


async def test_the_screen_lists_nearby_changes_and_what_fixed_it_last_time(
    reviewing: OnwatchApp, store: IncidentStore, changes: ChangeStore
) -> None:
    opened_at = store.get(2).created_at
    changes.add("deployed proxy 1.4", at=opened_at - timedelta(minutes=30), source="api", by="ci")
    changes.add("too long ago", at=opened_at - timedelta(hours=3), by="ci")
    earlier = dataclasses.replace(store.get(2), id=90, created_at=opened_at - timedelta(days=3))
    earlier = lifecycle.close(
        lifecycle.resolve(earlier, by="onwatch", at=earlier.created_at + timedelta(minutes=9)),
        by="lee",
        at=earlier.created_at + timedelta(hours=1),
        note="restarted the proxy",
    )
    with store.transaction() as txn:
        txn.put(earlier)
    async with reviewing.run_test(size=(160, 60)) as pilot:
        await open_api_incident(pilot)
        changed = shown_text(reviewing, "#changes")
        assert "deployed proxy 1.4" in changed and "30m before" in changed
        assert "too long ago" not in changed
        fixed = shown_text(reviewing, "#precedents")
        assert "#90" in fixed and "restarted the proxy" in fixed and "9m" in fixed
