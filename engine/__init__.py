"""What runs: the scheduler wiring collectors -> incidents -> store/notify, and the operations API.

Names load on first use: `engine.specs` is imported by the config loader and must not drag the
whole engine (httpx, apprise, ...) into every CLI command.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.clock import utc_now
    from engine.core import Engine, EngineOptions
    from engine.events import (
        CheckRan,
        EngineEvent,
        IncidentChanged,
        IncidentsReloaded,
        StatusChanged,
    )
    from engine.operations import Operations
    from engine.specs import EngineSettings, Watch

_WHERE = {
    "CheckRan": "engine.events",
    "Engine": "engine.core",
    "EngineEvent": "engine.events",
    "EngineOptions": "engine.core",
    "EngineSettings": "engine.specs",
    "IncidentChanged": "engine.events",
    "IncidentsReloaded": "engine.events",
    "Operations": "engine.operations",
    "StatusChanged": "engine.events",
    "Watch": "engine.specs",
    "utc_now": "engine.clock",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


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
