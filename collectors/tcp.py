"""TCP checks: can a connection to host:port be opened, and how long does it take."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime

from onwatch.collectors.base import UP, reports_crashes
from onwatch.collectors.evidence import format_address as _format
from onwatch.collectors.evidence import resolved, tcp_failure
from onwatch.collectors.reasons import REFUSED, os_reason, timed_out
from onwatch.collectors.specs import TcpCheck
from onwatch.collectors.timers import within
from onwatch.incidents.sample import Sample


class TcpCollector:
    """Opens (and at once closes) one connection per `collect`, within the check's timeout."""

    def __init__(self, spec: TcpCheck) -> None:
        self.spec = spec
        self._tried: list[str] = []
        """The addresses the last attempt resolved to (for a failure's evidence)."""

    @reports_crashes
    async def collect(self, now: datetime) -> list[Sample]:
        spec = self.spec
        started = time.perf_counter()
        try:
            async with within(spec.timeout.total_seconds()):
                seconds = await self._connect()
        except TimeoutError:
            reason = timed_out(spec.timeout)
            return [await self._failed(reason, now, time.perf_counter() - started)]
        except OSError as exc:
            reason = os_reason(exc, spec.host) or f"connect failed: {type(exc).__name__}"
            return [await self._failed(reason, now, time.perf_counter() - started)]
        return [
            Sample(spec.source, spec.name, "connect_time", seconds, now),
            Sample(spec.source, spec.name, UP, 1.0, now),
        ]

    async def _failed(self, reason: str, now: datetime, seconds: float) -> Sample:
        spec = self.spec
        addresses = self._tried or await resolved(spec.host, spec.port)
        evidence = tcp_failure(
            host=spec.host, port=spec.port, error=reason, addresses=addresses, seconds=seconds
        )
        return Sample.failed(spec.source, spec.name, UP, reason, now, evidence=evidence)

    async def _connect(self) -> float:
        """Seconds to connect to the first address that accepts.

        Addresses are resolved here rather than by open_connection, whose error for "every
        address failed" is a bare OSError that no longer says whether they refused.
        """
        loop = asyncio.get_running_loop()
        self._tried = []
        infos = await loop.getaddrinfo(
            self.spec.host, self.spec.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
        self._tried = list(dict.fromkeys(_format(info[4]) for info in infos))[:4]
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
