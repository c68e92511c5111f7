"""What runs: the scheduler wiring collectors -> incidents -> store/notify, and the operations API."""

from engine.clock import utc_now
from engine.core import Engine, EngineOptions
from engine.events import CheckRan, EngineEvent, IncidentChanged, IncidentsReloaded, StatusChanged
from engine.operations import Operations
from engine.specs import EngineSettings, Watch

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
