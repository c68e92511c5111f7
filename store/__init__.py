"""What is kept: incidents in TinyDB files that survive crashes and concurrent writers."""

from onwatch.store.change_store import ChangeStore
from onwatch.store.errors import NotFound, StoreError
from onwatch.store.incident_store import IncidentStore
from onwatch.store.silence_store import SilenceNotFound, SilenceStore
from onwatch.store.transaction import Transaction

__all__ = [
    "ChangeStore",
    "IncidentStore",
    "NotFound",
    "SilenceNotFound",
    "SilenceStore",
    "StoreError",
    "Transaction",
]
