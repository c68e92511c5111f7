"""Alerts raised elsewhere (Alertmanager) as incidents, and the silence onwatch keeps for them
there while someone works on one. Pure functions over `Incident`, like `incidents.lifecycle`.

An alert's identity is Alertmanager's fingerprint (a hash of its labels), else its sorted labels;
its source is the `instance` label (else the alert name), its check the alert name.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from onwatch.incidents import lifecycle
from onwatch.incidents.model import (
    SYSTEM_ACTOR,
    Category,
    EntryKind,
    Incident,
    Severity,
    State,
    fingerprint,
)
from onwatch.incidents.triage import Change, Event

SEVERITIES = {s.value: s for s in Severity}
RUNBOOK_ANNOTATION = "runbook_url"
MAX_TITLE = 200


class AlertStatus(enum.StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class ExternalAlert:
    """One alert of an Alertmanager webhook, already checked."""

    status: AlertStatus
    labels: tuple[tuple[str, str], ...]
    """Sorted by name."""
    annotations: tuple[tuple[str, str], ...] = ()
    fingerprint: str = ""
    """Alertmanager's; empty when the sender gave none."""
    generator_url: str = ""

    def label(self, name: str) -> str:
        return dict(self.labels).get(name, "")

    @property
    def alertname(self) -> str:
        return self.label("alertname") or "alert"

    @property
    def source(self) -> str:
        return self.label("instance") or self.alertname

    @property
    def identity(self) -> str:
        """The incident's metric: the fingerprint, else a digest of the sorted labels (the
        same labels always give the same identity, whatever order they came in)."""
        if self.fingerprint:
            return self.fingerprint
        text = "\n".join(f"{k}={v}" for k, v in self.labels)
        return "labels:" + hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def incident_fingerprint(self) -> str:
        return fingerprint(self.source, self.alertname, self.identity)

    @property
    def severity(self) -> Severity:
        return SEVERITIES.get(self.label("severity").strip().lower(), Severity.WARNING)

    @property
    def title(self) -> str:
        summary = " ".join(dict(self.annotations).get("summary", "").split())
        if summary:
            return summary[:MAX_TITLE]
        instance = self.label("instance")
        text = f"{self.alertname} on {instance}" if instance else self.alertname
        return text[:MAX_TITLE]


def runbook_of(incident: Incident) -> str | None:
    """The runbook an alert named in its `runbook_url` annotation, if any."""
    return dict(incident.annotations).get(RUNBOOK_ANNOTATION) or None


def receive(
    alert: ExternalAlert,
    current: Incident | None,
    *,
    next_id: Callable[[], int],
    by: str,
    at: datetime,
) -> Change | None:
    """What one alert does to the unclosed incident of its fingerprint (`current`, or None).

    Firing opens, brings a resolved one back, upgrades, or refreshes quietly (Alertmanager
    repeats a firing alert every `repeat_interval`: no timeline entry for that). Resolved
    resolves an active incident and is otherwise nothing.
    """
    if alert.status is AlertStatus.RESOLVED:
        if current is None or not current.state.is_active:
            return None
        resolved = lifecycle.resolve(current, by=by, at=at, note="resolved in Alertmanager")
        return Change(_refreshed(resolved, alert, at), Event.RESOLVED)
    if current is None:
        opened = lifecycle.open_incident(
            incident_id=next_id(),
            source=alert.source,
            check=alert.alertname,
            metric=alert.identity,
            title=alert.title,
            severity=alert.severity,
            category=Category.EXTERNAL,
            value=None,
            threshold=None,
            at=at,
            labels=alert.labels,
        )
        entry = dataclasses.replace(
            opened.timeline[0], by=by, note=f"from Alertmanager: {alert.title}"
        )
        return Change(
            dataclasses.replace(opened, timeline=(entry,), annotations=alert.annotations),
            Event.OPENED,
        )
    if current.state is State.RESOLVED:
        again = lifecycle.retrigger(
            current, alert.severity, value=None, threshold=None, title=alert.title, at=at
        )
        return Change(_refreshed(again, alert, at), Event.REOPENED)
    if alert.severity.rank > current.severity.rank:
        upgraded = lifecycle.upgrade(current, alert.severity, value=None, threshold=None, at=at)
        return Change(_refreshed(upgraded, alert, at), Event.UPGRADED)
    return Change(
        _refreshed(lifecycle.observe(current, value=None, at=at), alert, at), Event.UPDATED
    )


def _refreshed(incident: Incident, alert: ExternalAlert, at: datetime) -> Incident:
    """The alert's latest words: annotations (a summary may carry the current value) and title."""
    return dataclasses.replace(
        incident,
        title=alert.title,
        labels=alert.labels,
        annotations=alert.annotations,
        last_seen_at=max(at, incident.last_seen_at),
    )


# --- the silence onwatch keeps in Alertmanager ----------------------------------------------------


def wants_silence(incident: Incident) -> bool:
    """An external alert someone has acknowledged and that still fires: Alertmanager should
    stop telling everybody else about it."""
    return (
        incident.category is Category.EXTERNAL
        and incident.state is State.ACKNOWLEDGED
        and bool(incident.labels)
    )


def silence_comment(incident: Incident) -> str:
    return f"onwatch incident #{incident.id}: {incident.title}"[:500]


def silence_kept(incident: Incident, silence_id: str, *, at: datetime, note: str) -> Incident:
    """Record the silence now held for `incident` (created, or replaced by a new id)."""
    return lifecycle.append_entry(
        incident, at, EntryKind.ALERTMANAGER, SYSTEM_ACTOR, note, alertmanager_silence=silence_id
    )


def silence_gone(incident: Incident, *, at: datetime, note: str) -> Incident:
    """The silence has ended (onwatch expired it, or it was gone already)."""
    return lifecycle.append_entry(
        incident, at, EntryKind.ALERTMANAGER, SYSTEM_ACTOR, note, alertmanager_silence=None
    )


def silence_trouble(incident: Incident, *, at: datetime, note: str) -> Incident:
    """Something went wrong talking to Alertmanager: said on the timeline, retried."""
    return lifecycle.append_entry(incident, at, EntryKind.ALERTMANAGER, SYSTEM_ACTOR, note)


def resolved_elsewhere(incident: Incident, *, at: datetime) -> Incident:
    """Alertmanager no longer has the alert firing. While onwatch's silence muted it, the
    resolved notification could not come through the webhook: onwatch asked instead."""
    return lifecycle.resolve(
        incident, by=SYSTEM_ACTOR, at=at, note="no longer firing in Alertmanager"
    )
