"""What the in-process backend shares between its methods: the store's failures and the
engine's events, each put in the console backend's terms (`engine.api`)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from onwatch.engine import api
from onwatch.engine.events import (
    CheckRan,
    EngineEvent,
    IncidentChanged,
    IncidentsReloaded,
    StatusChanged,
)
from onwatch.store import NotFound, SilenceNotFound, StoreError

T = TypeVar("T")


async def guarded(work: Awaitable[T]) -> T:
    """The store's failures in the backend's terms: the console knows nothing of the store."""
    try:
        return await work
    except (NotFound, SilenceNotFound) as exc:
        raise api.NotFound(str(exc)) from exc
    except (StoreError, OSError) as exc:
        raise api.Unavailable(f"could not save: {exc}") from exc


def translate(event: EngineEvent) -> api.BackendEvent:
    match event:
        case IncidentChanged(change=change):
            return api.IncidentUpdate(change.incident, change.event)
        case IncidentsReloaded(incidents=incidents):
            return api.IncidentsReplaced(incidents)
        case CheckRan(source=source, samples=samples):
            return api.SamplesUpdate(source, samples)
        case StatusChanged(key=key, text=text):
            return api.StatusUpdate(key, text)
    raise TypeError(f"unknown engine event {type(event).__name__}")
