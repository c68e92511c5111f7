"""What runs: the scheduler wiring collectors -> incidents -> store/notify, and the operations API.

Names load on first use: `engine.specs` is imported by the config loader and must not drag the
whole engine (httpx, apprise, ...) into every CLI command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onwatch._lazy import exports

if TYPE_CHECKING:
    from onwatch.engine.clock import utc_now
    from onwatch.engine.core import Engine
    from onwatch.engine.events import (
        CheckRan,
        EngineEvent,
        IncidentChanged,
        IncidentsReloaded,
        StatusChanged,
    )
    from onwatch.engine.operations import Operations
    from onwatch.engine.options import EngineOptions
    from onwatch.engine.specs import EngineSettings, Watch

_WHERE = {
    "CheckRan": ".events",
    "Engine": ".core",
    "EngineEvent": ".events",
    "EngineOptions": ".options",
    "EngineSettings": ".specs",
    "IncidentChanged": ".events",
    "IncidentsReloaded": ".events",
    "Operations": ".operations",
    "StatusChanged": ".events",
    "Watch": ".specs",
    "utc_now": ".clock",
}
__getattr__ = exports(__name__, _WHERE)

__all__ = [
    "CheckRan",
    "Engine",
    "EngineEvent",
    "EngineOptions",
    "EngineSettings",
    "IncidentChanged",
    "IncidentsReloaded",
    "Operations",
    "StatusChanged",
    "Watch",
    "utc_now",
]
