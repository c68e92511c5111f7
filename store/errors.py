"""The store's exceptions."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot be used as it is (unreadable file, not ours, no permission)."""


def unreadable(path: object, kind: str, doc_id: str, exc: Exception) -> StoreError:
    """A record of a file that does not decode: the file and the record named, not a traceback."""
    return StoreError(f"{path}: {kind} record {doc_id} is not readable ({exc!r})")


class NotFound(StoreError, LookupError):
    def __init__(self, incident_id: int) -> None:
        self.incident_id = incident_id
        super().__init__(f"no incident {incident_id}")
