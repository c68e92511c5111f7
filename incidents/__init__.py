"""The incident domain: samples, rules, incidents and their lifecycle. Plain Python, no I/O.

Every function that needs the time takes it as a parameter, so rules and timers are tested
with an injected clock.
"""

from onwatch.incidents.decisions import Breach, Decision, FlapPolicy, Recovery, Stable
from onwatch.incidents.errors import IncidentError, InvalidInput, TransitionError
from onwatch.incidents.model import (
    EPISODE_KINDS,
    SYSTEM_ACTOR,
    Category,
    EntryKind,
    Feedback,
    Incident,
    Mark,
    Priority,
    Severity,
    State,
    TimelineEntry,
    fingerprint,
)
from onwatch.incidents.priority import derive_priority
from onwatch.incidents.rules import Evaluator
from onwatch.incidents.sample import Sample
from onwatch.incidents.thresholds import Threshold
from onwatch.incidents.triage import Change, Event, apply

__all__ = [
    "EPISODE_KINDS",
    "SYSTEM_ACTOR",
    "Breach",
    "Category",
    "Change",
    "Decision",
    "EntryKind",
    "Evaluator",
    "Event",
    "Feedback",
    "FlapPolicy",
    "Incident",
    "IncidentError",
    "InvalidInput",
    "Mark",
    "Priority",
    "Recovery",
    "Sample",
    "Severity",
    "Stable",
    "State",
    "Threshold",
    "TimelineEntry",
    "TransitionError",
    "apply",
    "derive_priority",
    "fingerprint",
]
