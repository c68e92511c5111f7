"""The domain's exceptions."""

from __future__ import annotations


class IncidentError(Exception):
    """Base class for every error the incident domain raises."""


class TransitionError(IncidentError):
    """An operation the incident's current state does not allow; nothing was changed."""

    def __init__(self, incident_id: int, action: str, state: str, reason: str = "") -> None:
        self.incident_id = incident_id
        self.action = action
        self.state = state
        detail = reason or f"it is {state}"
        super().__init__(f"cannot {action} incident {incident_id}: {detail}")


class InvalidInput(IncidentError, ValueError):
    """A value the domain refuses (an empty note, an unknown priority)."""
