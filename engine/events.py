"""What the engine tells its subscribers (the TUI, notify, the headless printer)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from onwatch.incidents import Change, Incident, Sample

log = logging.getLogger("onwatch.engine")


@dataclass(frozen=True, slots=True)
class CheckRan:
    """One check finished: its samples, when it was due, when it started, how long it took."""

    source: str
    check: str
    samples: tuple[Sample, ...]
    due: datetime
    started: datetime
    duration: timedelta


@dataclass(frozen=True, slots=True)
class IncidentChanged:
    change: Change


@dataclass(frozen=True, slots=True)
class IncidentsReloaded:
    """Another process changed the store; here is the current set of unclosed incidents."""

    incidents: tuple[Incident, ...]


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """A line of engine status for the operator (e.g. a notification backend is missing)."""

    key: str
    text: str | None


EngineEvent = CheckRan | IncidentChanged | IncidentsReloaded | StatusChanged
Subscriber = Callable[[EngineEvent], None]


class EventBus:
    """Synchronous fan-out. A failing subscriber is logged and never breaks the engine."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    def publish(self, event: EngineEvent) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:
                log.exception("subscriber %r failed on %s", subscriber, type(event).__name__)
