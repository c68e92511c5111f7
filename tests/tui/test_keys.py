"""Each key path of the console, checked against the store (where the truth lives)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from onwatch.engine.operations import Operations
from onwatch.incidents import Priority, State
from onwatch.store import IncidentStore
from onwatch.tui.app import OnwatchApp
from onwatch.tui.screens.incident import IncidentScreen
from onwatch.tui.screens.wall import WallScreen
from onwatch.tui.widgets.incident_list import IncidentList
from tests.tui.conftest import FixedClock, build_app

SIZE = (120, 40)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, condition, attempts: int = 1000) -> None:
    """Let the app process messages until `condition` holds (bounded, never a blind sleep)."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the console did not get there")


async def open_dialog(pilot, key: str) -> None:
    """Press the key that opens a dialog and wait for it to be there before typing into it."""
    depth = len(pilot.app.screen_stack)
    await pilot.press(key)
    await until(pilot, lambda: len(pilot.app.screen_stack) > depth and pilot.app.screen.is_mounted)
    await pilot.pause()


async def select(pilot, incident_id: int) -> None:
    pilot.app.query_one(IncidentList).select(incident_id)
    await pilot.pause()


def shown_ids(app: OnwatchApp) -> list[int]:
    return [row.id for row in app.query_one(IncidentList).rows]


async def test_incidents_are_sorted_by_priority_then_age(app: OnwatchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # api down is P1; the cpu (42 min old) and the latency warning are P2/P3.
        assert shown_ids(app) == [2, 1, 3]


async def test_ack_key_acknowledges_selected_incident(
    app: OnwatchApp, store: IncidentStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 1)
        await pilot.press("a")
        await settle(pilot)
    incident = store.get(1)
    assert incident.state is State.ACKNOWLEDGED
    assert (incident.timeline[-1].kind, incident.timeline[-1].by) == ("acknowledged", "dana")


async def test_cursor_stays_on_the_same_incident_when_the_order_changes(app: OnwatchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 3)
        await open_dialog(pilot, "p")
        await pilot.press("1")  # 3 becomes P1 and moves up the list
        await settle(pilot)
        assert shown_ids(app)[0] == 2
        assert app.query_one(IncidentList).selected_id == 3


async def test_escalate_key(app: OnwatchApp, store: IncidentStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 2)
        await pilot.press("e")
        await settle(pilot)
    assert store.get(2).escalation_level == 1
    assert store.get(2).timeline[-1].by == "dana"


async def test_close_asks_first_and_records_the_note(app: OnwatchApp, store: IncidentStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 1)
        await open_dialog(pilot, "c")
        assert store.get(1).state is State.TRIGGERED  # nothing yet: it asked
        await pilot.press(*"cron filled /tmp", "enter")
        await settle(pilot)
        assert 1 not in shown_ids(app)
    closed = store.get(1)
    assert closed.state is State.CLOSED
    assert closed.timeline[-1].note == "cron filled /tmp"


async def test_close_cancelled_changes_nothing(app: OnwatchApp, store: IncidentStore) -> None:
    before = store.get(1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 1)
        await open_dialog(pilot, "c")
        await pilot.press("escape")
        await settle(pilot)
    assert store.get(1) == before


async def test_note_key(app: OnwatchApp, store: IncidentStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 3)
        await open_dialog(pilot, "n")
        await pilot.press(*"cdn slow in eu", "enter")
        await settle(pilot)
    entry = store.get(3).timeline[-1]
    assert (entry.kind, entry.by, entry.note) == ("note", "dana", "cdn slow in eu")


async def test_priority_key(app: OnwatchApp, store: IncidentStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 3)
        await open_dialog(pilot, "p")
        await pilot.press("2")
        await settle(pilot)
    assert store.get(3).priority is Priority.P2


async def test_reopen_from_the_closed_filter(app: OnwatchApp, store: IncidentStore) -> None:
    Operations(store, clock=FixedClock(), operator="lee").close(3)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(4):  # open -> triggered -> acknowledged -> resolved -> closed
            await pilot.press("f")
        await settle(pilot)
        assert shown_ids(app) == [3]
        await select(pilot, 3)
        await pilot.press("r")
        await settle(pilot)
    assert store.get(3).state is State.TRIGGERED


async def test_action_that_is_not_allowed_says_why_and_changes_nothing(
    app: OnwatchApp, store: IncidentStore
) -> None:
    before = store.get(2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 2)
        await pilot.press("r")  # reopen a triggered incident
        await settle(pilot)
        messages = [n.message for n in app._notifications]
    assert any("cannot reopen incident 2: it is triggered" in m for m in messages)
    assert store.get(2) == before


async def test_search_filters_by_text(app: OnwatchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot, "slash")
        await pilot.press(*"refused", "enter")
        await settle(pilot)
        assert shown_ids(app) == [2]
        await open_dialog(pilot, "slash")
        await pilot.press("ctrl+u", "enter")
        await settle(pilot)
        assert len(shown_ids(app)) == 3


async def test_state_and_severity_filters(app: OnwatchApp, store: IncidentStore) -> None:
    Operations(store, clock=FixedClock(), operator="lee").acknowledge(1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")  # triggered
        await settle(pilot)
        assert sorted(shown_ids(app)) == [2, 3]
        await pilot.press("f")  # acknowledged
        await settle(pilot)
        assert shown_ids(app) == [1]
        for _ in range(3):  # resolved, closed, back to open
            await pilot.press("f")
        await pilot.press("v")  # critical only
        await settle(pilot)
        assert sorted(shown_ids(app)) == [1, 2]


async def test_enter_opens_the_incident_with_its_runbook(app: OnwatchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 2)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, IncidentScreen))
        screen = app.screen
        assert screen.incident.id == 2
        assert screen.runbook == "https://wiki.example/runbooks/api"
        await pilot.press("a")  # keys act on the incident shown
        await settle(pilot)
        await until(pilot, lambda: screen.incident.state is State.ACKNOWLEDGED)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, IncidentScreen))


async def test_wall_mode_changes_nothing_and_w_leaves_it(
    app: OnwatchApp, store: IncidentStore
) -> None:
    before = store.list()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, WallScreen))
        await pilot.press("a", "e", "c", "n", "r", "p", "1")
        await settle(pilot)
        assert isinstance(app.screen, WallScreen)
        await pilot.press("w")
        await until(pilot, lambda: not isinstance(app.screen, WallScreen))
    assert store.list() == before


async def test_wall_flag_starts_in_wall_mode(store: IncidentStore, tmp_path: Path) -> None:
    app = build_app(store, tmp_path, wall=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WallScreen)


async def test_change_from_the_cli_appears_within_a_poll(
    app: OnwatchApp, store: IncidentStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.run_worker(app.backend.engine.start())
        await settle(pilot)
        other_process = Operations(IncidentStore(store.path), clock=FixedClock(), operator="lee")
        other_process.acknowledge(2)
        incidents = app.query_one(IncidentList)
        await until(pilot, lambda: "ACKED" in incidents.row(2).cells[3])
        await app.backend.engine.stop()


async def test_theme_choice_is_remembered(store: IncidentStore, tmp_path: Path) -> None:
    app = build_app(store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await settle(pilot)
    again = build_app(store, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_silence_key_mutes_the_selected_incidents_check(
    app: OnwatchApp, store: IncidentStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 2)
        await open_dialog(pilot, "s")
        await pilot.press("ctrl+u", *"2h", "enter", *"db failover", "enter")
        await settle(pilot)
        await until(pilot, lambda: len(app.backend.engine.pager.silences) == 1)
    (silence,) = app.backend.engine.silences.list()
    assert dict(silence.matchers) == {"source": "api", "check": "api"}
    assert silence.reason == "db failover"
    assert silence.created_by == "dana"
    assert silence.ends_at - silence.starts_at == timedelta(hours=2)


async def palette_entries(pilot) -> dict[str, str]:
    """Open the command palette and read what it lists: title -> help."""
    from textual.command import Command, CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    results = pilot.app.screen.query_one(CommandList)
    await until(pilot, lambda: results.option_count > 0)
    await pilot.pause(0.2)  # the providers finish discovering
    entries = {}
    for option in results.options:
        assert isinstance(option, Command)
        hit = option.hit
        entries[str(hit.text or hit.prompt)] = str(hit.help or "")
    return entries


async def test_every_key_is_also_in_the_command_palette(app: OnwatchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # What Textual itself says is bound on the main screen (the footer's source); onwatch's
        # own bindings carry ids (so keys can be remapped), Textual's (tab, copy) do not.
        keys = {
            key: active.binding
            for key, active in app.screen.active_bindings.items()
            if active.binding.id is not None and active.node in (app, app.screen)
        }
        entries = await palette_entries(pilot)
    assert len(keys) >= 16
    assert {"o", "g", "h", "m"} <= set(keys)
    helps = set(entries.values())
    for key, binding in keys.items():
        if binding.action == "quit":
            continue  # the palette's own system command
        assert f"key {app.get_key_display(binding)}" in helps, f"{key} is not in the palette"
    assert {"Theme", "Quit"} <= set(entries)


async def test_a_palette_command_acts_like_its_key(app: OnwatchApp, store: IncidentStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, 1)
        entries = await palette_entries(pilot)
        title = next(t for t, h in entries.items() if h == "key a")
        await pilot.press(*title, "enter")
        await settle(pilot)
        await until(pilot, lambda: store.get(1).state is State.ACKNOWLEDGED)
    assert store.get(1).timeline[-1].by == "dana"


async def test_a_title_of_thirty_characters_is_shown_whole_at_80_columns(
    store: IncidentStore, tmp_path: Path
) -> None:
    from onwatch.tui.widgets.status_bar import StatusBar

    title = "disk /srv/backups nearly full!"
    assert len(title) == 30
    Operations(store, clock=FixedClock(), operator="lee").open_report(title, source="nas-01")
    app = build_app(store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        incidents = app.query_one(IncidentList)
        await until(pilot, lambda: incidents.position_of(4) is not None)
        line = incidents.render_line(incidents.position_of(4)).text
        header = app.query_one("#incidents-header").content
        assert title in line
        assert header.cell_len <= incidents.size.width
        assert "ESC" not in header.plain
        assert app.query_one(StatusBar).size.height == 1  # the header line does not wrap


async def test_ages_move_with_the_clock_when_their_text_changes(app: OnwatchApp) -> None:
    # A tick between two age changes leaves the rows as they are; the tick after the change
    # shows the new age (incident 2 was opened 12 minutes before the clock's start).
    clock = app.clock
    assert isinstance(clock, FixedClock)
    start = clock.at

    def age_of(incident_id: int) -> str:
        row = app.query_one(IncidentList).row(incident_id)
        assert row is not None
        return row.cells[5]

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert age_of(2) == "12m"
        clock.at = start + timedelta(seconds=59)
        app.main._tick()
        await settle(pilot)
        assert age_of(2) == "12m"
        clock.at = start + timedelta(seconds=60)
        app.main._tick()
        await settle(pilot)
        assert age_of(2) == "13m"
