"""What runs: the scheduler wiring collectors -> incidents -> store/notify, and the operations API."""

from engine.clock import utc_now
from engine.operations import Operations
from engine.specs import EngineSettings, Watch

__all__ = ["EngineSettings", "Operations", "Watch", "utc_now"]
