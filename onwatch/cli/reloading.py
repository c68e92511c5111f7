"""Read the config again and apply it to the engine: on SIGHUP for `run --headless` and
`serve`, and on the console's reload key and `POST /v1/config/reload`, by the same path.

A config with problems changes nothing: the running config stays, and each problem is one line
in the log ("config not reloaded: FILE:LINE: key: message") plus one status line naming how many.

A process that reloads on SIGHUP says so in a small record beside the store's engine lease
(`incidents.json.engine.reload`: its pid, and what its latest SIGHUP came to), so that
`onwatch reload` signals only a process that takes SIGHUP as a reload (a console ends on it)
and can tell what its signal came to. The record goes when the process ends.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import weakref
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onwatch.cli.context import Context, engine_settings
from onwatch.config import Config, ConfigError, load_config
from onwatch.engine import Engine
from onwatch.engine.api import ReloadOutcome
from onwatch.engine.specs import Watch
from onwatch.store.lease import reload_record_path
from onwatch.store.storage import write_json_atomic

if TYPE_CHECKING:
    from onwatch.engine.reload import ReloadReport

log = logging.getLogger("onwatch.config")

NOT_RELOADED = "config not reloaded"
MAX_RECORDED_PROBLEMS = 100


def read_config(ctx: Context) -> Config:
    """The config file as it is now, every variable it uses resolved (or ConfigError)."""
    return load_config(getattr(ctx.args, "config", None), ctx.env).resolved()


async def reload_config(
    ctx: Context,
    engine: Engine,
    read: Callable[[Context], Config] = read_config,
    extra_watches: tuple[Watch, ...] = (),
) -> ReloadReport | None:
    """Apply the config file as it is now, or keep the running one and report why not."""
    report, _ = await _reload(ctx, engine, read, extra_watches)
    return report


async def reload_outcome(
    ctx: Context, engine: Engine, extra_watches: tuple[Watch, ...] = ()
) -> ReloadOutcome:
    """The same reload, for the console's key and `POST /v1/config/reload`."""
    report, problems = await _reload(ctx, engine, read_config, extra_watches)
    if report is None:
        return ReloadOutcome(_not_reloaded(problems), tuple(str(p) for p in problems))
    return ReloadOutcome(report.summary())


def reloader(
    ctx: Context, extra_watches: tuple[Watch, ...] = ()
) -> Callable[[Engine], Awaitable[ReloadOutcome]]:
    """`reload_outcome` bound to this process's config file, for `LocalBackend(reload=...)`."""
    return lambda engine: reload_outcome(ctx, engine, extra_watches)


def _not_reloaded(problems: Sequence[object]) -> str:
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    return f"{NOT_RELOADED}: {count} {noun}, the running config stays"


async def _reload(
    ctx: Context,
    engine: Engine,
    read: Callable[[Context], Config],
    extra_watches: tuple[Watch, ...],
) -> tuple[ReloadReport | None, Sequence[object]]:
    # One at a time whoever asks (SIGHUP, the console, the API): each reads the file anew.
    async with _lock_of(engine):
        try:
            config = await asyncio.to_thread(read, ctx)
        except ConfigError as exc:
            for problem in exc.problems:
                log.error("%s: %s", NOT_RELOADED, problem)
            engine.set_status("config", _not_reloaded(exc.problems))
            return None, exc.problems
        running = ctx.config
        if getattr(config, "serve", None) != getattr(running, "serve", None):
            # The listening socket and the tokens belong to the server, made once at start.
            log.warning("[serve] changed: it applies at the next start")
        report = await engine.apply_config(engine_settings(config, extra_watches))
        engine.set_status("config", None)
        log.warning("%s", report.summary())
        return report, ()


_locks: weakref.WeakKeyDictionary[Engine, asyncio.Lock] = weakref.WeakKeyDictionary()


def _lock_of(engine: Engine) -> asyncio.Lock:
    lock = _locks.get(engine)
    if lock is None:
        lock = _locks[engine] = asyncio.Lock()
    return lock


class ReloadRecord:
    """This process's pid and what its latest SIGHUP came to, for `onwatch reload` to read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seq = 0

    def write(self, outcome: ReloadOutcome | None = None) -> None:
        data: dict[str, Any] = {"pid": os.getpid(), "seq": self.seq}
        if outcome is not None:
            problems = list(outcome.problems[:MAX_RECORDED_PROBLEMS])
            data |= {"applied": outcome.applied, "summary": outcome.summary, "problems": problems}
        try:
            write_json_atomic(self.path, data, sync_directory=False)
        except OSError as exc:
            # Reloading on SIGHUP works without it; only `onwatch reload` cannot find us.
            log.warning("could not write %s: %s", self.path, exc)

    def remove(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove %s: %s", self.path, exc)


def reload_on_sighup(ctx: Context, engine: Engine) -> Callable[[], None]:
    """Reload on each SIGHUP (one at a time; a second during a reload waits its turn).
    Returns the function that removes the handler and the record beside the lease."""
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[object]] = set()
    record = ReloadRecord(reload_record_path(ctx.store.path))
    # Outcomes are written in the order they were reached, never two at once.
    writing = asyncio.Lock()

    async def one() -> None:
        try:
            outcome = await reload_outcome(ctx, engine)
        except Exception:  # a reload bug must not end the engine
            log.exception("%s: unexpected error", NOT_RELOADED)
            outcome = ReloadOutcome(f"{NOT_RELOADED}: unexpected error", ("unexpected error",))
        async with writing:
            record.seq += 1
            await asyncio.to_thread(record.write, outcome)

    def hangup() -> None:
        task = loop.create_task(one())
        pending.add(task)
        task.add_done_callback(pending.discard)

    loop.add_signal_handler(signal.SIGHUP, hangup)
    record.write()

    def remove() -> None:
        loop.remove_signal_handler(signal.SIGHUP)
        record.remove()

    return remove
