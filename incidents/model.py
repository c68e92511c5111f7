"""The incident vocabulary shared by every package: severities, states, the incident record."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse, so `max(..., key=rank)` picks the worst."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class State(enum.StrEnum):
    TRIGGERED = "triggered"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Open means not closed: a resolved incident can still come back."""
        return self is not State.CLOSED

    @property
    def is_active(self) -> bool:
        """Active means somebody may still need to act on it."""
        return self in (State.TRIGGERED, State.ACKNOWLEDGED)


class Category(enum.StrEnum):
    AVAILABILITY = "availability"
    LATENCY = "latency"
    RESOURCE = "resource"
    CERTIFICATE = "certificate"
    FORECAST = "forecast"
    ANOMALY = "anomaly"
    EXTERNAL = "external"
    REPORTED = "reported"
    """Told by a person rather than raised by a check."""
    # Watching onwatch itself
    MONITORING = "monitoring"
    """onwatch's own health: while it is broken, every other incident may go unseen."""


class Priority(enum.StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"


class Mark(enum.StrEnum):
    """Flags that qualify an open incident without changing its state."""

    FLAPPING = "flapping"
    SILENCED = "silenced"
    NO_DATA = "no_data"
    # Watching onwatch itself
    DRILL = "drill"
    """A practice incident (`onwatch drill`): stats and exports leave it out unless asked."""


class EntryKind(enum.StrEnum):
    """What a timeline entry records. The values are what the store and `--json` hold, so they
    never change: a store written before this enum existed loads as it always did."""

    OPENED = "opened"
    REOPENED = "reopened"
    UPGRADED = "upgraded"
    ACKNOWLEDGED = "acknowledged"
    UNACKNOWLEDGED = "unacknowledged"
    """An acknowledgement timed out: back to triggered, a new episode."""
    ESCALATED = "escalated"
    PAGED = "paged"
    """The first step of the escalation policy went out."""
    RENOTIFIED = "renotified"
    NOTIFY = "notify"
    """A delivery outcome: "notified oncall", "oncall failed: ..."."""
    RESOLVED = "resolved"
    CLOSED = "closed"
    NOTE = "note"
    PRIORITY = "priority"
    FLAPPING = "flapping"
    STABLE = "stable"
    """The flapping mark was lifted."""
    SILENCED = "silenced"
    UNSILENCED = "unsilenced"
    NO_DATA = "no_data"
    REPORTED = "reported"
    """Another person reported the same thing: the reports count went up."""
    ASSIGNED = "assigned"
    HANDED_OVER = "handed_over"
    """Passed to a role (service desk, IT support, ...): its channels are told."""
    FEEDBACK = "feedback"
    ALERTMANAGER = "alertmanager"
    """onwatch's silence in Alertmanager was created, replaced, expired, or could not be."""
    # Watching onwatch itself
    DRILL = "drill"
    """A drill began, or ended with how long acknowledgement and resolution took."""
    ACTION = "action"
    """An automated action ran: its command, exit code and the start of its output."""
    CHECKED = "checked"
    """A checklist item was ticked (or, with an "undone" note, unticked)."""
    UNCHECKED = "unchecked"
    REVIEWED = "reviewed"
    """The post-incident review recorded a root cause or action items."""

    @classmethod
    def of_mark(cls, mark: Mark) -> EntryKind:
        """Setting a mark is recorded under the mark's own name."""
        return cls(mark.value)


EPISODE_KINDS = frozenset({EntryKind.OPENED, EntryKind.REOPENED, EntryKind.UNACKNOWLEDGED})
"""Entries that start an episode: escalation and reminders run from the latest of them."""


SYSTEM_ACTOR = "onwatch"
"""Who the timeline names for changes nobody typed: detection, recovery, timers."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: EntryKind | str
    """An `EntryKind`; a kind this version does not know (a newer writer's) is kept as text."""
    by: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Feedback:
    """How the person affected rated the fix, 1 (bad) to 5 (good)."""

    rating: int
    comment: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Tick:
    """A checklist item someone ticked, named by its text so a reordered config keeps it."""

    item: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident. Immutable: every change goes through `incidents.lifecycle`."""

    id: int
    fingerprint: str
    title: str
    source: str
    check: str
    metric: str
    value: float | None
    threshold: float | None
    severity: Severity
    priority: Priority
    category: Category
    state: State
    escalation_level: int
    count: int
    created_at: datetime
    last_seen_at: datetime
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    marks: frozenset[Mark] = field(default_factory=frozenset)
    labels: tuple[tuple[str, str], ...] = ()
    owner: str | None = None
    incident_manager: str | None = None
    reporter: str | None = None
    """Who reported it: a name, or an apprise URL (mailto://, json://...) that is told on closure."""
    reports: int = 0
    """How many people reported it (0 for an incident raised by a check)."""
    description: str = ""
    feedback: tuple[Feedback, ...] = ()
    # Alertmanager: what an external alert said, and the silence onwatch keeps there for it.
    annotations: tuple[tuple[str, str], ...] = ()
    alertmanager_silence: str | None = None
    """The id of the Alertmanager silence onwatch holds while the incident is acknowledged."""
    # Evidence at detection.
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """What was captured as it opened (plain JSON-able data, bounded, secrets blanked)."""
    # --- checklists and the post-incident review (postmortems) ---
    checked: tuple[Tick, ...] = ()
    """The checklist items ticked, in the order they were ticked."""
    root_cause: str = ""
    actions: tuple[str, ...] = ()
    """Action items the review derived, in the order they were added."""
    peak: float | None = None
    """The worst value seen (highest, or lowest for a below-threshold rule); None until a
    second sample, when `value` is still the only one."""

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    def has(self, mark: Mark) -> bool:
        return mark in self.marks

    @property
    def is_drill(self) -> bool:
        return Mark.DRILL in self.marks

    @property
    def notes(self) -> tuple[TimelineEntry, ...]:
        return tuple(entry for entry in self.timeline if entry.kind == EntryKind.NOTE)


def fingerprint(source: str, check: str, metric: str) -> str:
    """The identity of a series: one unclosed incident at most per fingerprint."""
    return f"{source}/{check}/{metric}"
