"""Read the config again and apply it to the engine: on SIGHUP for `run --headless` and
`serve`, and on the console's reload key and `POST /v1/config/reload`, by the same path.

A config with problems changes nothing: the running config stays, and each problem is one line
in the log ("config not reloaded: FILE:LINE: key: message") plus one status line naming how many.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from onwatch.cli.context import Context, engine_settings
from onwatch.config import Config, ConfigError, load_config
from onwatch.engine import Engine
from onwatch.engine.api import ReloadOutcome
from onwatch.engine.specs import Watch

if TYPE_CHECKING:
    from onwatch.engine.reload import ReloadReport

log = logging.getLogger("onwatch.config")

NOT_RELOADED = "config not reloaded"


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


def reload_on_sighup(ctx: Context, engine: Engine) -> Callable[[], None]:
    """Reload on each SIGHUP (one at a time; a second during a reload waits its turn).
    Returns the function that removes the handler."""
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[object]] = set()

    async def one() -> None:
        try:
            await reload_config(ctx, engine)
        except Exception:  # a reload bug must not end the engine
            log.exception("%s: unexpected error", NOT_RELOADED)

    def hangup() -> None:
        task = loop.create_task(one())
        pending.add(task)
        task.add_done_callback(pending.discard)

    loop.add_signal_handler(signal.SIGHUP, hangup)
    return lambda: loop.remove_signal_handler(signal.SIGHUP)
