"""ctrl+r (and its palette command): the console reads its config file again and applies it by
SIGHUP's path; a broken file keeps the running config and shows every problem, one line each."""

from __future__ import annotations

import argparse
from pathlib import Path

from onwatch.cli.context import Context
from onwatch.cli.reloading import reloader
from onwatch.engine.local_backend import LocalBackend
from onwatch.tui.app import OnwatchApp
from tests.faults.test_sighup import BASE, BROKEN, tcp
from tests.tui.conftest import FixedClock
from tests.tui.test_keys import SIZE, palette_entries, settle, until


def console_on(config: Path, tmp_path: Path) -> tuple[OnwatchApp, LocalBackend]:
    args = argparse.Namespace(config=str(config), db=str(tmp_path / "incidents.json"))
    ctx = Context(args, {"ONWATCH_OPERATOR": "dana"})
    backend = LocalBackend(ctx.engine(), operator="dana", run_checks=False, reload=reloader(ctx))
    return OnwatchApp(backend, clock=FixedClock(), settings_path=tmp_path / "console.json"), backend


def toast(app: OnwatchApp, title: str) -> tuple[str, str] | None:
    found = [(n.title, n.message) for n in app._notifications if n.title.startswith(title)]
    return found[-1] if found else None


def names(backend: LocalBackend) -> list[str]:
    assert backend.engine is not None
    return [w.name for w in backend.engine.settings.watches]


async def test_the_reload_key_applies_a_valid_config_and_keeps_it_on_a_broken_one(
    tmp_path: Path,
) -> None:
    config = tmp_path / "onwatch.toml"
    config.write_text(BASE + tcp("web", 9))
    app, backend = console_on(config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        config.write_text(BASE + tcp("web", 9) + tcp("db", 10))
        await pilot.press("ctrl+r")
        await until(pilot, lambda: toast(app, "config reloaded") is not None, attempts=3000)
        assert toast(app, "config reloaded") == (
            "config reloaded",
            "config reloaded: 1 check added (db)",
        )
        assert names(backend) == ["web", "db"]

        config.write_text(BROKEN)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: toast(app, "config not reloaded") is not None, attempts=3000)
        title, message = toast(app, "config not reloaded")
        assert title == "config not reloaded: 3 problems, the running config stays"
        lines = message.splitlines()
        assert len(lines) == 3 and all(line.startswith(f"{config}:") for line in lines), lines
        assert "defaults.interval" in lines[0] and "tcp[0].port" in lines[2]
        assert names(backend) == ["web", "db"]


async def test_the_palette_offers_the_reload(tmp_path: Path) -> None:
    config = tmp_path / "onwatch.toml"
    config.write_text(BASE + tcp("web", 9))
    app, _ = console_on(config, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entries = await palette_entries(pilot)
        title = next(t for t, h in entries.items() if h == "key ^r")
        assert title.startswith("Reload the config file")
        await pilot.press(*title, "enter")
        await until(pilot, lambda: toast(app, "config reloaded") is not None, attempts=3000)
    assert toast(app, "config reloaded")[1] == "config reloaded: nothing changed"


async def test_a_console_beside_another_engine_says_where_to_reload(tmp_path: Path) -> None:
    config = tmp_path / "onwatch.toml"
    config.write_text(BASE)
    args = argparse.Namespace(config=str(config), db=str(tmp_path / "incidents.json"))
    ctx = Context(args, {"ONWATCH_OPERATOR": "dana"})
    backend = LocalBackend(ctx.engine(), operator="dana", run_checks=False, reload=reloader(ctx))
    backend._holder = "engine: pid 4321 on noc-1"  # what a standby console learns from the lease
    app = OnwatchApp(backend, clock=FixedClock(), settings_path=tmp_path / "console.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: toast(app, "config not reloaded") is not None, attempts=3000)
    assert toast(app, "config not reloaded")[1] == (
        "the engine runs in another process (pid 4321 on noc-1): reload it there"
    )
