"""Blocking calls (statvfs on a network mount, walking /proc) run in threads, with a bound.

A thread cannot be cancelled: a call stuck on a hung NFS mount stays stuck. So a call that
outlives its wait is remembered, and the same call is not started again until it returns,
rather than piling one more stuck thread per check onto the executor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class StillBlocked(Exception):
    """The same call, started by an earlier check, has not returned yet."""


def _swallow(task: asyncio.Future[Any]) -> None:
    # Nobody may be waiting any more: fetch the exception so asyncio does not warn about it.
    if not task.cancelled():
        task.exception()


class Offloader:
    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[Any]] = {}

    async def run(self, key: str, wait: float, call: Callable[..., T], *args: Any) -> T:
        """`call(*args)` in a thread. Raises TimeoutError after `wait` seconds (the call goes
        on), StillBlocked if the call under `key` from an earlier run is still going."""
        earlier = self._running.get(key)
        if earlier is not None and not earlier.done():
            raise StillBlocked(key)
        task: asyncio.Future[T] = asyncio.ensure_future(asyncio.to_thread(call, *args))
        task.add_done_callback(_swallow)
        self._running[key] = task
        await asyncio.wait({task}, timeout=wait)
        if not task.done():
            raise TimeoutError
        del self._running[key]
        return task.result()
