"""What is kept: incidents in TinyDB files that survive crashes and concurrent writers."""

from store.errors import NotFound, StoreError
from store.incident_store import IncidentStore, Transaction
from store.silence_store import SilenceNotFound, SilenceStore

__all__ = [
    "IncidentStore",
    "NotFound",
    "SilenceNotFound",
    "SilenceStore",
    "StoreError",
    "Transaction",
]
