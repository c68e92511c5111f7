"""Wrong tokens, counted per client address: after a few in a minute, that address waits.

Guessing a token through the login form or a bearer header costs one request a guess; this
makes it cost minutes. `LIMIT` wrong tokens within `WINDOW` seconds shut the address out for
`BASE_BLOCK` seconds, each further block twice the one before (at most `MAX_BLOCK`), until the
address has sent no wrong token for `FORGET` seconds. While shut out, its requests are refused
with 429 before any token is compared, a right one included: a guess that would have matched
must not get through.

Memory is bounded: at most `max_tracked` addresses are kept, the one that failed longest ago
going first, so an attacker rotating addresses can push out records but never grow them. An
IPv6 client counts by its /64, the block a single host is usually handed.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

LIMIT = 5
WINDOW = 60.0
BASE_BLOCK = 60.0
MAX_BLOCK = 3600.0
FORGET = 3600.0
MAX_TRACKED = 10_000


@dataclass(slots=True)
class _Record:
    failures: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0
    blocks: int = 0
    last: float = 0.0


def client_key(address: str | None) -> str:
    """What failures are counted under: the address, an IPv6 address's /64."""
    if not address:
        return "?"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class Throttle:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        limit: int = LIMIT,
        window: float = WINDOW,
        base_block: float = BASE_BLOCK,
        max_block: float = MAX_BLOCK,
        forget: float = FORGET,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self._clock = clock
        self._limit = limit
        self._window = window
        self._base = base_block
        self._max_block = max_block
        # A record is forgotten only once any block it carries is over.
        self._forget = max(forget, max_block)
        self._max_tracked = max_tracked
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def retry_after(self, address: str | None) -> int | None:
        """Whole seconds this address must wait, or None when it may try."""
        now = self._clock()
        self._prune(now)
        record = self._records.get(client_key(address))
        if record is None or record.blocked_until <= now:
            return None
        return max(1, math.ceil(record.blocked_until - now))

    def failed(self, address: str | None) -> int | None:
        """Count a wrong token; the wait it brings on, if this one crossed the limit."""
        now = self._clock()
        self._prune(now)
        key = client_key(address)
        record = self._records.pop(key, None) or _Record()
        # Most recently failed last: the front is what goes first.
        self._records[key] = record
        record.last = now
        while record.failures and record.failures[0] <= now - self._window:
            record.failures.popleft()
        record.failures.append(now)
        if len(record.failures) >= self._limit:
            record.failures.clear()
            record.blocks += 1
            wait = min(self._base * 2 ** (record.blocks - 1), self._max_block)
            record.blocked_until = now + wait
        while len(self._records) > self._max_tracked:
            self._records.popitem(last=False)
        return self.retry_after(address)

    def succeeded(self, address: str | None) -> None:
        """A right token from this address: its earlier mistakes are forgiven."""
        self._records.pop(client_key(address), None)

    def _prune(self, now: float) -> None:
        records = self._records
        while records:
            first = next(iter(records.values()))
            if first.last > now - self._forget:
                return
            records.popitem(last=False)
