"""The heartbeat: a URL called every interval while onwatch is healthy (a dead man's switch).

Before each call the engine judges its own health (checks on time, the store writable); when
it is not healthy the call is skipped, so the switch on the other end notices the silence just
as it would if the process had died. A call that fails is recorded for the own-health check
(`heartbeat/up`) and never raised: the heartbeat must not take the engine down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from onwatch.engine.specs import HeartbeatSpec

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("onwatch.engine")

CALL_TIMEOUT = 10.0


def describe_failure(error: httpx.HTTPError) -> str:
    """A reason safe to show: the URL (which holds the switch's token) never appears."""
    import httpx

    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.ConnectError):
        text = str(error).lower()
        return "connection refused" if "refused" in text else "cannot connect"
    return type(error).__name__


class Heartbeat:
    def __init__(
        self,
        spec: HeartbeatSpec,
        unhealthy: Callable[[], Awaitable[str | None]],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """`unhealthy` says why onwatch should not beat now (None: healthy)."""
        self.spec = spec
        self.unhealthy = unhealthy
        self.transport = transport
        self.problem: str | None = None
        """Why the last call failed; None once a call succeeds."""
        self.held_back: str | None = None
        """Why the last beat was skipped; None when it was sent."""
        self.beats = 0

    async def beat(self, client: httpx.AsyncClient) -> None:
        why = await self.unhealthy()
        if why is not None:
            if self.held_back is None:
                log.warning("heartbeat held back: %s", why)
            self.held_back = why
            return
        self.held_back = None
        import httpx

        try:
            response = await client.get(self.spec.url)
        except httpx.HTTPError as error:
            problem = describe_failure(error)
        else:
            ok = response.status_code < 400
            problem = None if ok else f"HTTP {response.status_code}"
        if problem is not None and self.problem is None:
            log.warning("heartbeat failed: %s", problem)
        self.problem = problem
        if problem is None:
            self.beats += 1

    async def run(self) -> None:
        import httpx  # loaded by the engine only when a heartbeat is configured

        interval = self.spec.interval.total_seconds()
        timeout = min(CALL_TIMEOUT, max(1.0, interval))
        async with httpx.AsyncClient(
            timeout=timeout, transport=self.transport, follow_redirects=True
        ) as client:
            loop = asyncio.get_running_loop()
            due = loop.time()
            while True:
                try:
                    await self.beat(client)
                except Exception:  # a bug here must not stop the engine
                    log.exception("heartbeat failed")
                due += interval
                if due < loop.time():
                    due = loop.time() + interval  # wedged or stopped: start afresh
                await asyncio.sleep(due - loop.time())
