"""What is kept: incidents in TinyDB files that survive crashes and concurrent writers."""

from store.errors import NotFound, StoreError
from store.incident_store import IncidentStore, Transaction

__all__ = ["IncidentStore", "NotFound", "StoreError", "Transaction"]
