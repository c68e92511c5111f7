"""uvicorn's h11 protocol with a deadline for slow request heads.

uvicorn times out idle keep-alive connections, but any byte received cancels that timer, so a
client sending half a request line and then nothing (slowloris) would hold its connection, and a
slot under `limit_concurrency`, for ever. Here a connection that shows no progress in its
request head within `HEAD_SECONDS` of being opened (or of its last answer) is closed, and one
address may hold at most `PER_ADDRESS` connections, so idle sockets from one place cannot take
every slot under `limit_concurrency`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_SECONDS = 5.0
PER_ADDRESS = 64
_open_by_address: dict[str, int] = {}


class DeadlineH11Protocol(H11Protocol):
    head_seconds = HEAD_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._seen: object = None
        self._address: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        self._address = str(peer[0]) if peer else "?"
        count = _open_by_address.get(self._address, 0) + 1
        _open_by_address[self._address] = count
        if count > PER_ADDRESS:
            transport.close()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if self._address is not None:
            left = _open_by_address.get(self._address, 1) - 1
            if left > 0:
                _open_by_address[self._address] = left
            else:
                _open_by_address.pop(self._address, None)
            self._address = None
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._seen = self.cycle
        self._deadline = self.loop.call_later(self.head_seconds, self._check)

    def _waiting_for_head(self) -> bool:
        # Between requests (none yet, or the last one answered) and no full head parsed.
        idle = self.cycle is None or self.cycle.response_complete
        return idle and self.conn.their_state in (h11.IDLE, h11.DONE)

    def _check(self) -> None:
        if self.transport.is_closing():
            return
        # Still waiting for the head of the request it was waiting for when armed: too slow.
        if self._waiting_for_head() and self._seen is self.cycle:
            self.transport.close()
            return
        self._arm()
