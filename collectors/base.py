"""What every collector is to the engine, and the last line of defence behind each one."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from onwatch.incidents.sample import Sample

log = logging.getLogger("collectors")

UP = "up"
BAD_DATA = "bad_data"


class BadData(Exception):
    """What a remote sent cannot be used as a whole; the message is the reason."""


class Collector(Protocol):
    """Observes one spec. `collect` never raises (but for cancellation): failures are samples."""

    async def collect(self, now: datetime) -> list[Sample]: ...


CollectMethod = Callable[[Any, datetime], Awaitable[list[Sample]]]


def reports_crashes(collect: CollectMethod) -> CollectMethod:
    """Make a collector's `collect` keep its promise never to raise: a bug anywhere in it
    becomes a failed `up` sample (see `crashed`); only cancellation goes through."""

    @functools.wraps(collect)
    async def guarded(self: Any, now: datetime) -> list[Sample]:
        try:
            return await collect(self, now)
        except Exception as exc:
            return crashed(self.spec.source, self.spec.name, now, exc)

    return guarded


def crashed(source: str, check: str, now: datetime, exc: Exception) -> list[Sample]:
    """A bug or a surprise inside a collector: report it as a failed check, keep the engine up.

    The traceback goes to the log, where a bug can be found; the sample only names the type.
    """
    log.error("collector %s failed unexpectedly: %s", check, type(exc).__name__, exc_info=exc)
    return [Sample.failed(source, check, UP, f"collector error: {type(exc).__name__}", now)]


def bad_data(source: str, check: str, problems: list[str], now: datetime) -> Sample:
    """One `bad_data` error for all that was wrong: the first problem, and how many more."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return Sample.failed(source, check, BAD_DATA, f"bad data: {problems[0]}{more}", now)


def clean_data(source: str, check: str, now: datetime) -> Sample:
    """`bad_data` = 0: what the remote sent was all usable (lets a bad-data incident recover)."""
    return Sample(source, check, BAD_DATA, 0.0, now)
