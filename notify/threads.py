"""Run a blocking call in a daemon thread and await its result from the event loop.

Not `asyncio.to_thread` nor a ThreadPoolExecutor: Python joins their workers at exit, so a
delivery stuck on a peer that never answers would keep onwatch alive after the operator quit.
A daemon thread is abandoned at exit instead; what it was sending is lost, as it would be anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def in_daemon_thread(fn: Callable[..., T], *args: Any, name: str = "onwatch-notify") -> T:
    """`fn(*args)` in a new daemon thread; cancelling the await abandons the thread's result."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def work() -> None:
        try:
            result = context.run(fn, *args)
        except BaseException as error:
            _settle(loop, future, None, error)
        else:
            _settle(loop, future, result, None)

    threading.Thread(target=work, name=name, daemon=True).start()
    return await future


def _settle(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[Any],
    result: object,
    error: BaseException | None,
) -> None:
    def settle() -> None:
        if future.done():  # the awaiting task was cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    # The loop may have closed while the call ran: then nobody is waiting any more.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(settle)
