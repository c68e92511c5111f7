"""The store's exceptions."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot be used as it is (unreadable file, not ours, no permission)."""


class NotFound(StoreError, LookupError):
    def __init__(self, incident_id: int) -> None:
        self.incident_id = incident_id
        super().__init__(f"no incident {incident_id}")
