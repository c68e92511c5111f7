"""A job run every few seconds whose failures are reported once per streak, not every time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("onwatch.engine")

StatusSink = Callable[[str, str | None], None]
"""(key, text): a status line appears, or goes away with None."""


async def run_every(seconds: float, job: Callable[[], Any], status: StatusSink) -> None:
    """Call `job` (a function or a coroutine function) every `seconds` until cancelled.

    A failure is logged and put in the status once, and the status cleared when the job works
    again: a broken file must not flood the log every second.
    """
    name = getattr(job, "__name__", str(job))
    failing = False
    while True:
        await asyncio.sleep(seconds)
        try:
            result = job()
            if asyncio.iscoroutine(result):
                await result
        except Exception as exc:
            if not failing:
                failing = True
                log.exception("%s failed", name)
                status(name, f"{name.replace('_', ' ')} failing: {exc}")
        else:
            if failing:
                failing = False
                status(name, None)
