"""SIGHUP for `run --headless` and `serve`: read the config again and apply it to the engine.

A config with problems changes nothing: the running config stays, and each problem is one line
in the log ("config not reloaded: FILE:LINE: key: message") plus one status line naming how many.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

from onwatch.cli.context import Context, engine_settings
from onwatch.config import Config, ConfigError, load_config
from onwatch.engine import Engine

if TYPE_CHECKING:
    from onwatch.engine.reload import ReloadReport

log = logging.getLogger("onwatch.config")

NOT_RELOADED = "config not reloaded"


def read_config(ctx: Context) -> Config:
    """The config file as it is now, every variable it uses resolved (or ConfigError)."""
    return load_config(getattr(ctx.args, "config", None), ctx.env).resolved()


async def reload_config(
    ctx: Context, engine: Engine, read: Callable[[Context], Config] = read_config
) -> ReloadReport | None:
    """Apply the config file as it is now, or keep the running one and report why not."""
    try:
        config = await asyncio.to_thread(read, ctx)
    except ConfigError as exc:
        for problem in exc.problems:
            log.error("%s: %s", NOT_RELOADED, problem)
        count = len(exc.problems)
        noun = "problem" if count == 1 else "problems"
        engine.set_status("config", f"{NOT_RELOADED}: {count} {noun}, the running config stays")
        return None
    running = ctx.config
    if getattr(config, "serve", None) != getattr(running, "serve", None):
        # The listening socket and the tokens belong to the server, made once at start.
        log.warning("[serve] changed: it applies at the next start")
    report = await engine.apply_config(engine_settings(config))
    engine.set_status("config", None)
    log.warning("%s", report.summary())
    return report


def reload_on_sighup(ctx: Context, engine: Engine) -> Callable[[], None]:
    """Reload on each SIGHUP (one at a time; a second during a reload waits its turn).
    Returns the function that removes the handler."""
    loop = asyncio.get_running_loop()
    lock = asyncio.Lock()
    pending: set[asyncio.Task[object]] = set()

    async def one() -> None:
        async with lock:
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
