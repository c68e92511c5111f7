"""What the console looks like, on fixed data and a fixed clock, at a small and a large size."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from onwatch.engine.operations import Operations
from onwatch.store import IncidentStore
from tests.tui.conftest import FixedClock, build_app

SIZES = [(80, 24), (160, 48)]


@pytest.fixture(autouse=True)
def utc_display(monkeypatch: pytest.MonkeyPatch) -> None:
    # The console shows local time; pin it so snapshots match on any machine.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def owned(store: IncidentStore) -> None:
    # One incident with an owner, so the OWNER column and the wall tile show one.
    Operations(store, clock=FixedClock(), operator="lee").assign(1, "dana")


async def loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, store: IncidentStore, tmp_path: Path, size) -> None:
    assert snap_compare(build_app(store, tmp_path), terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_incident_screen(snap_compare, store: IncidentStore, tmp_path: Path, size) -> None:
    async def open_first(pilot) -> None:
        await loaded(pilot)
        await pilot.press("enter")
        await loaded(pilot)  # the checklist and what fixed it last time load in a worker

    assert snap_compare(build_app(store, tmp_path), terminal_size=size, run_before=open_first)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_wall_mode(snap_compare, store: IncidentStore, tmp_path: Path, size) -> None:
    async def wall(pilot) -> None:
        await loaded(pilot)
        await pilot.press("w")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(build_app(store, tmp_path), terminal_size=size, run_before=wall)
