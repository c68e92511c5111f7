"""How an engine runs: its periods, its bounds and its shutdown budget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from onwatch.engine.own_health import HealthBounds

if TYPE_CHECKING:
    from onwatch.engine.core import Engine

DEFAULT_MAX_IN_FLIGHT = 64
SETTLE_SECONDS = 30.0
"""How long `settle` waits for the store and the channels."""
STOP_SECONDS = 8.0
"""At shutdown, how long writing what was decided and delivering what is under way may take in
all: SIGTERM or SIGINT ends any onwatch process within 10 s, however sick the disk."""
TICK_SECONDS = 1.0
STORE_POLL_SECONDS = 1.0


@dataclass
class EngineOptions:
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    tick_seconds: float = TICK_SECONDS
    store_poll_seconds: float = STORE_POLL_SECONDS
    history_depth: int = 120
    self_check_seconds: float = 10.0
    """How often onwatch judges its own health (`engine.own_health`)."""
    health: HealthBounds = field(default_factory=HealthBounds)
    extra_tasks: list[Callable[[Engine], Any]] = field(default_factory=list)
    watch_clock: bool | None = None
    """Follow wall-clock jumps (see `engine.clockjump`); None: only on the real clock, since a
    test's fake clock moves without the loop's time and would look like one jump after another."""
    monotonic: Callable[[], float] | None = None
    """What time really passing reads (default: the event loop's clock); tests move it with
    their fake wall clock, and jump the wall clock alone."""
    freeze_at_start: bool = False
    """Freeze what start built out of the garbage collector's passes (`engine.heap`): for the
    processes `run` and `serve` start, which hold the engine until they exit. Left off for an
    engine embedded in a process that makes and drops others (tests, the console's standby)."""
