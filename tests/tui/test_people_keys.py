"""The keys about people (report, assign, hand over, mine) and closing with a resolution,
each checked against the store."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from onwatch.engine.operations import Operations
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Severity, State
from onwatch.incidents.people import Assignment, Role
from onwatch.store import IncidentStore
from onwatch.tui.app import OnwatchApp
from onwatch.tui.screens.incident import IncidentScreen
from onwatch.tui.screens.people_dialogs import ReportDialog, RoleDialog
from onwatch.tui.widgets.incident_list import IncidentList
from tests.tui.conftest import FixedClock, build_app
from tests.tui.test_keys import SIZE, open_dialog, select, settle, shown_ids, until

IT_SUPPORT = NotifySettings(roles=(Role("it_support", ("ana",), ()),), desktop=False)


def toasts(app: OnwatchApp) -> list[str]:
    return [n.message for n in app._notifications]


def shown_text(app: OnwatchApp, selector: str) -> str:
    """What a Static on the current screen shows, as plain text."""
    widget = app.screen.query_one(selector)
    console = Console(width=widget.size.width or 120, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def test_report_key_opens_an_incident_with_what_was_typed(
    app: OnwatchApp, store: IncidentStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "o")
        assert isinstance(app.screen, ReportDialog)
        await pilot.press(*"printer on floor 3 jams", "enter")
        await pilot.press("enter", "down", "enter")  # the severity list: warning, critical
        await pilot.pause()
        await pilot.press("tab", *"printer-3", "tab", *"since the toner change", "enter")
        await settle(pilot)
        await until(pilot, lambda: len(store.list()) == 4)
        assert any("incident #4 opened" in m for m in toasts(app))
        await until(pilot, lambda: 4 in shown_ids(app))
    report = store.get(4)
    assert report.title == "printer on floor 3 jams"
    assert report.severity is Severity.CRITICAL
    assert report.source == "printer-3"
    assert report.description == "since the toner change"
    assert report.reporter == "dana"
    assert report.timeline[0].by == "dana"


async def test_a_second_report_of_the_same_thing_adds_to_it(
    app: OnwatchApp, store: IncidentStore
) -> None:
    Operations(store, clock=FixedClock(), operator="lee").open_report("vpn drops", source="vpn")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "o")
        await pilot.press(*"vpn drops", "tab", "tab", *"vpn", "tab", "enter")
        await settle(pilot)
        await until(pilot, lambda: any("added to #4" in m for m in toasts(app)))
    assert len(store.list()) == 4
    assert store.get(4).reports == 2


async def test_report_without_a_title_asks_for_one(app: OnwatchApp, store: IncidentStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "o")
        dialog = app.screen
        await pilot.click("#confirm")
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press("escape")
        await settle(pilot)
    assert len(store.list()) == 3


async def test_assign_key_makes_the_operator_the_owner_and_mine_filters(
    app: OnwatchApp, store: IncidentStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 1)
        await open_dialog(pilot, "g")
        await pilot.press("enter")  # the name is filled in: this console's operator
        await settle(pilot)
        await until(pilot, lambda: store.get(1).owner == "dana")
        await until(pilot, lambda: app.query_one(IncidentList).row(1).cells[7] == "dana")
        await pilot.press("m")
        await settle(pilot)
        assert shown_ids(app) == [1]
        assert "owned by dana" in shown_text(app, "#incidents-title")
        await pilot.press("m")
        await settle(pilot)
        assert len(shown_ids(app)) == 3
    assert store.get(1).timeline[-1].by == "dana"


async def test_assign_an_incident_manager_by_name(app: OnwatchApp, store: IncidentStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 2)
        await open_dialog(pilot, "g")
        await pilot.press("ctrl+u", *"lee")
        await pilot.click("#incident_manager")
        await pilot.click("#confirm")
        await settle(pilot)
        await until(pilot, lambda: store.get(2).incident_manager == "lee")
    assert store.get(2).owner is None


async def test_hand_over_key_passes_the_incident_to_a_role(
    store: IncidentStore, tmp_path: Path
) -> None:
    app = build_app(store, tmp_path, notify=IT_SUPPORT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 2)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, RoleDialog) and app.screen.is_mounted)
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        await until(pilot, lambda: store.get(2).timeline[-1].kind == "handed_over")
    entry = store.get(2).timeline[-1]
    assert (entry.note, entry.by) == ("handed over to it_support", "dana")


async def test_hand_over_without_roles_says_so(app: OnwatchApp, store: IncidentStore) -> None:
    before = store.get(2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 2)
        await pilot.press("h")
        await settle(pilot)
        await until(pilot, lambda: any("no roles configured" in m for m in toasts(app)))
        assert not isinstance(app.screen, RoleDialog)
    assert store.get(2) == before


async def test_close_without_a_resolution_when_one_is_required_changes_nothing(
    store: IncidentStore, tmp_path: Path
) -> None:
    app = build_app(store, tmp_path, resolution_required=True)
    before = store.get(1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 1)
        await open_dialog(pilot, "c")
        await pilot.press("enter")
        await settle(pilot)
        await until(pilot, lambda: any("closing needs a resolution" in m for m in toasts(app)))
        assert 1 in shown_ids(app)
        assert store.get(1) == before
        await open_dialog(pilot, "c")
        await pilot.press(*"rotated the logs", "enter")
        await settle(pilot)
        await until(pilot, lambda: store.get(1).state is State.CLOSED)
    assert store.get(1).timeline[-1].note == "rotated the logs"


async def test_incident_screen_shows_the_people_and_the_feedback(
    app: OnwatchApp, store: IncidentStore
) -> None:
    ops = Operations(store, clock=FixedClock(), operator="lee")
    ops.open_report(
        "mail bounces",
        description="since the dns change",
        reporter="mailto://bob:hunter2@example.com",
        by="desk",
    )
    ops.assign(4, "ana")
    ops.assign(4, "kim", as_=Assignment.INCIDENT_MANAGER)
    ops.close(4, note="fixed the mx record")
    ops.feedback(4, 4, comment="quick, thanks", by="bob")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(4):  # to the closed filter
            await pilot.press("f")
        await settle(pilot)
        await until(pilot, lambda: shown_ids(app) == [4])
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await pilot.pause()
        fields = shown_text(app, "#fields")
        feedback = shown_text(app, "#feedback")
        description = shown_text(app, "#description")
    assert "ana" in fields and "kim" in fields
    assert "mailto://…@example.com" in fields
    assert "hunter2" not in fields and "bob:" not in fields
    assert "since the dns change" in description
    assert "4/5" in feedback and "quick, thanks" in feedback and "bob" in feedback
    assert "2026-11-27 03:00:00" in feedback
