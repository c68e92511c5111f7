"""The console backend: everything a screen may read and do, as plain data.

A console holds one `ConsoleBackend` and nothing else of onwatch's machinery. The in-process
implementation wraps an engine (`engine.local_backend`); a network client can implement the same
methods over HTTP. Reads are cheap and come from memory; actions are coroutines that return the
incident as it now is, and raise:

- `incidents.IncidentError` (`TransitionError`, `InvalidInput`) when the action is not allowed;
- `NotFound` when there is no such incident;
- `Unavailable` when it could not be carried out (the store refused the write, the server is
  out of reach): nothing changed, and the message says why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from onwatch.incidents import Event, Incident, Priority, Sample, Severity
from onwatch.incidents.codec import sample_from_dict, sample_to_dict
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.silences import Silence

__all__ = [
    "BackendEvent",
    "ConsoleBackend",
    "IncidentUpdate",
    "IncidentsReplaced",
    "Listener",
    "NotFound",
    "ReloadOutcome",
    "SamplesUpdate",
    "SourceView",
    "StatusUpdate",
    "Unavailable",
    "headline_metric",
    "source_from_dict",
    "source_to_dict",
]


class NotFound(LookupError):
    """No incident (or silence) with that id."""


class Unavailable(Exception):
    """An action could not be carried out; nothing changed. The message says why."""


@dataclass(frozen=True, slots=True)
class SourceView:
    """One watched source: its latest sample of every metric and the trend of its headline."""

    name: str
    kind: str
    """host, http, tcp, agent or prometheus."""
    samples: Mapping[str, Sample] = field(default_factory=dict)
    trend: tuple[float, ...] = ()
    """Recent values of `headline_metric(kind)`, oldest first."""


def source_to_dict(source: SourceView) -> dict[str, Any]:
    """A source as the HTTP API carries it (`GET /v1/sources`)."""
    return {
        "name": source.name,
        "kind": source.kind,
        "samples": {metric: sample_to_dict(s) for metric, s in source.samples.items()},
        "trend": list(source.trend),
    }


def source_from_dict(data: dict[str, Any]) -> SourceView:
    """The inverse of `source_to_dict`; raises KeyError/ValueError/TypeError on a bad record."""
    samples = data.get("samples") or {}
    trend = data.get("trend") or []
    if not isinstance(samples, dict) or not isinstance(trend, list):
        raise TypeError("samples must be an object and trend a list")
    return SourceView(
        name=str(data["name"]),
        kind=str(data["kind"]),
        samples={str(m): sample_from_dict(s) for m, s in samples.items()},
        trend=tuple(float(v) for v in trend),
    )


def headline_metric(kind: str) -> str:
    """The metric a source's sparkline follows."""
    return {"http": "latency", "tcp": "connect_time"}.get(kind, "cpu")


@dataclass(frozen=True, slots=True)
class IncidentUpdate:
    """An incident changed; `event` says how (opened, acknowledged, escalated, ...)."""

    incident: Incident
    event: Event


@dataclass(frozen=True, slots=True)
class IncidentsReplaced:
    """The set of unclosed incidents was read anew (another process changed the store)."""

    incidents: tuple[Incident, ...]


@dataclass(frozen=True, slots=True)
class SamplesUpdate:
    """New samples of one source arrived."""

    source: str
    samples: tuple[Sample, ...]


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A line of status for the operator appeared (`text`) or went away (None)."""

    key: str
    text: str | None


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """What a test message to one target (a channel, a role's address, the desktop) came to."""

    target: str
    ok: bool
    reason: str = ""
    """Why it failed (HTTP 503, connection refused, timeout...); never a URL."""


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """What reading the config file again came to: applied (`summary` says what changed), or
    not (each of `problems` one line naming file and line; the running config stays)."""

    summary: str
    problems: tuple[str, ...] = ()

    @property
    def applied(self) -> bool:
        return not self.problems


BackendEvent = IncidentUpdate | IncidentsReplaced | SamplesUpdate | StatusUpdate
Listener = Callable[[BackendEvent], None]


class ConsoleBackend(Protocol):
    """What the console reads and does. Listeners are called on the console's event loop."""

    @property
    def operator(self) -> str:
        """Who the timeline names for this console's actions."""
        ...

    @property
    def ready(self) -> bool:
        """False until `start` has loaded the incidents: until then there is nothing to act on."""
        ...

    @property
    def last_poll(self) -> datetime | None:
        """When a check last reported."""
        ...

    @property
    def engine_holder(self) -> str | None:
        """Who runs the checks when it is not this console, for the header ("engine: pid 4321
        on noc-1, since 10:02", "server: http://noc:8765"); None when this console runs them."""
        ...

    async def start(self) -> None:
        """Load what is open, then start following changes (and running checks, where this
        backend runs them)."""
        ...

    async def stop(self) -> None: ...

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every change; returns the function that unsubscribes."""
        ...

    # --- the read model ------------------------------------------------------------------------

    def incidents(self) -> Sequence[Incident]:
        """Every unclosed incident, as last seen."""
        ...

    def incident(self, incident_id: int) -> Incident | None:
        """An unclosed incident by id, as last seen."""
        ...

    def sources(self) -> Sequence[SourceView]:
        """Every watched source, in configuration order."""
        ...

    def statuses(self) -> Sequence[str]:
        """Lines the operator should know ("desktop notifications unavailable: ...")."""
        ...

    def runbook(self, incident: Incident) -> str | None: ...

    async def closed_incidents(self, limit: int) -> list[Incident]:
        """Up to `limit` closed incidents, most recently closed first."""
        ...

    async def stats(
        self, since: timedelta | None, *, include_drills: bool = False
    ) -> dict[str, Any]:
        """The history's figures for incidents opened within `since` of now (all when None),
        as `onwatch stats --json` prints them (`incidents.stats.compute`)."""
        ...

    # --- actions -------------------------------------------------------------------------------

    async def acknowledge(self, incident_id: int, *, note: str = "") -> Incident: ...

    async def escalate(self, incident_id: int, *, note: str = "") -> Incident: ...

    async def close(self, incident_id: int, *, note: str = "") -> Incident: ...

    async def reopen(self, incident_id: int, *, note: str = "") -> Incident: ...

    async def note(self, incident_id: int, text: str) -> Incident: ...

    async def set_priority(
        self, incident_id: int, priority: Priority, *, note: str = ""
    ) -> Incident: ...

    async def silence(
        self, matchers: Mapping[str, str], *, duration: timedelta, reason: str
    ) -> Silence:
        """Mute incidents matching `matchers` from now for `duration`."""
        ...

    # --- the people in an incident -------------------------------------------------------------

    async def open_report(
        self, title: str, *, severity: Severity, source: str, description: str
    ) -> Incident:
        """Report something broken, with this console's operator as the reporter. A second
        report of the same source and title while one is being handled adds to it (its
        `reports` count grows) and returns that incident."""
        ...

    async def assign(self, incident_id: int, name: str, *, as_: str = "owner") -> Incident:
        """Make `name` the incident's owner (`as_="owner"`) or its incident manager
        (`as_="incident_manager"`)."""
        ...

    async def hand_over(self, incident_id: int, role: str, *, note: str = "") -> Incident:
        """Pass the incident to a role (one of `roles()`); its channels are told."""
        ...

    async def roles(self) -> Sequence[str]:
        """The names of the roles an incident may be handed over to, for a picker."""
        ...

    async def notify_test(self) -> Sequence[TestOutcome]:
        """A marked TEST message to every channel and the desktop, and what each came to."""

    async def reload_config(self) -> ReloadOutcome:
        """Read the engine's config file again and apply it, as SIGHUP does; `Unavailable`
        when this console cannot (the engine runs in another process, or has no file)."""
        ...

    # --- diagnosis and review ------------------------------------------------------------------

    async def context(self, incident: Incident) -> IncidentContext:
        """Its checklist, the changes near it (nearest first), what fixed it last time."""
        ...

    async def check(self, incident_id: int, number: int, *, undo: bool = False) -> Incident:
        """Tick checklist item `number` (from 1, as `context` lists them), or untick it."""
        ...

    async def review(
        self, incident_id: int, *, root_cause: str | None, actions: Sequence[str]
    ) -> Incident:
        """Record the root cause (replacing any before) and append action items."""
        ...

    async def postmortem(self, incident_id: int) -> str:
        """The incident's postmortem as Markdown, as `onwatch postmortem` writes it."""
        ...
