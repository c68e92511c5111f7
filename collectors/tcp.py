"""TCP checks: can a connection to host:port be opened, and how long does it take."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime

from onwatch.collectors.base import UP, reports_crashes
from onwatch.collectors.reasons import REFUSED, os_reason, timed_out
from onwatch.collectors.specs import TcpCheck
from onwatch.incidents.sample import Sample


class TcpCollector:
    """Opens (and at once closes) one connection per `collect`, within the check's timeout."""

    def __init__(self, spec: TcpCheck) -> None:
        self.spec = spec

    @reports_crashes
    async def collect(self, now: datetime) -> list[Sample]:
        spec = self.spec
        try:
            async with asyncio.timeout(spec.timeout.total_seconds()):
                seconds = await self._connect()
        except TimeoutError:
            return [self._failed(timed_out(spec.timeout), now)]
        except OSError as exc:
            reason = os_reason(exc, spec.host) or f"connect failed: {type(exc).__name__}"
            return [self._failed(reason, now)]
        return [
            Sample(spec.source, spec.name, "connect_time", seconds, now),
            Sample(spec.source, spec.name, UP, 1.0, now),
        ]

    def _failed(self, reason: str, now: datetime) -> Sample:
        return Sample.failed(self.spec.source, self.spec.name, UP, reason, now)

    async def _connect(self) -> float:
        """Seconds to connect to the first address that accepts.

        Addresses are resolved here rather than by open_connection, whose error for "every
        address failed" is a bare OSError that no longer says whether they refused.
        """
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(
            self.spec.host, self.spec.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
        errors: list[OSError] = []
        for family, kind, proto, _, address in infos:
            try:
                with socket.socket(family, kind, proto) as sock:
                    sock.setblocking(False)
                    started = time.perf_counter()
                    await loop.sock_connect(sock, address)
                    return time.perf_counter() - started
            except OSError as exc:
                errors.append(exc)
        refused = [e for e in errors if os_reason(e, self.spec.host) == REFUSED]
        raise (refused or errors or [OSError("no address to connect to")])[0]
