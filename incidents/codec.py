"""Incidents to and from plain JSON-ready dicts: the one serialised form (store, CLI --json)."""

from __future__ import annotations

from typing import Any

from onwatch.incidents.model import (
    Category,
    EntryKind,
    Feedback,
    Incident,
    Mark,
    Priority,
    Severity,
    State,
    Tick,
    TimelineEntry,
)
from onwatch.incidents.sample import Sample
from onwatch.incidents.timefmt import from_iso, to_iso

_TIMES = ("created_at", "last_seen_at", "acknowledged_at", "resolved_at", "closed_at")


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    """Field names exactly as documented; timestamps as UTC ISO-8601 strings."""
    return {
        "id": incident.id,
        "fingerprint": incident.fingerprint,
        "title": incident.title,
        "source": incident.source,
        "check": incident.check,
        "metric": incident.metric,
        "value": incident.value,
        "threshold": incident.threshold,
        "severity": incident.severity.value,
        "priority": incident.priority.value,
        "category": incident.category.value,
        "state": incident.state.value,
        "escalation_level": incident.escalation_level,
        "count": incident.count,
        **{name: _time(getattr(incident, name)) for name in _TIMES},
        "marks": sorted(mark.value for mark in incident.marks),
        "labels": dict(incident.labels),
        "owner": incident.owner,
        "incident_manager": incident.incident_manager,
        "reporter": incident.reporter,
        "reports": incident.reports,
        "description": incident.description,
        "feedback": [
            {"rating": f.rating, "comment": f.comment, "by": f.by, "at": to_iso(f.at)}
            for f in incident.feedback
        ],
        "annotations": dict(incident.annotations),
        "alertmanager_silence": incident.alertmanager_silence,
        "timeline": [
            {"at": to_iso(e.at), "kind": str(e.kind), "by": e.by, "note": e.note}
            for e in incident.timeline
        ],
        # Evidence at detection.
        "evidence": dict(incident.evidence),
        # checklists and review
        "checked": [{"item": t.item, "by": t.by, "at": to_iso(t.at)} for t in incident.checked],
        "root_cause": incident.root_cause,
        "actions": list(incident.actions),
        "peak": incident.peak,
    }


def incident_from_dict(data: dict[str, Any]) -> Incident:
    """The inverse of `incident_to_dict`; raises KeyError/ValueError/TypeError on a bad record."""
    return Incident(
        id=int(data["id"]),
        fingerprint=str(data["fingerprint"]),
        title=str(data["title"]),
        source=str(data["source"]),
        check=str(data["check"]),
        metric=str(data["metric"]),
        value=_optional_float(data.get("value")),
        threshold=_optional_float(data.get("threshold")),
        severity=Severity(data["severity"]),
        priority=Priority(data["priority"]),
        category=Category(data["category"]),
        state=State(data["state"]),
        escalation_level=int(data["escalation_level"]),
        count=int(data["count"]),
        created_at=from_iso(data["created_at"]),
        last_seen_at=from_iso(data["last_seen_at"]),
        acknowledged_at=_parse_time(data.get("acknowledged_at")),
        resolved_at=_parse_time(data.get("resolved_at")),
        closed_at=_parse_time(data.get("closed_at")),
        timeline=tuple(
            TimelineEntry(
                from_iso(e["at"]), _entry_kind(str(e["kind"])), str(e["by"]), str(e.get("note", ""))
            )
            for e in data.get("timeline", ())
        ),
        marks=frozenset(Mark(m) for m in data.get("marks", ())),
        labels=tuple(sorted((str(k), str(v)) for k, v in data.get("labels", {}).items())),
        owner=_optional_text(data.get("owner")),
        incident_manager=_optional_text(data.get("incident_manager")),
        reporter=_optional_text(data.get("reporter")),
        reports=int(data.get("reports", 0)),
        description=str(data.get("description", "")),
        feedback=tuple(
            Feedback(int(f["rating"]), str(f.get("comment", "")), str(f["by"]), from_iso(f["at"]))
            for f in data.get("feedback", ())
        ),
        annotations=tuple(sorted((str(k), str(v)) for k, v in data.get("annotations", {}).items())),
        alertmanager_silence=_optional_text(data.get("alertmanager_silence")),
        # Evidence at detection.
        evidence=_evidence(data.get("evidence")),
        # checklists and review: absent from records written before them
        checked=tuple(
            Tick(str(t["item"]), str(t["by"]), from_iso(t["at"])) for t in data.get("checked", ())
        ),
        root_cause=str(data.get("root_cause", "")),
        actions=tuple(str(a) for a in data.get("actions", ())),
        peak=_optional_float(data.get("peak")),
    )


def _evidence(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _entry_kind(text: str) -> EntryKind | str:
    try:
        return EntryKind(text)
    except ValueError:
        return text  # written by a newer version: kept, shown as it is, never acted upon


def _time(value: Any) -> str | None:
    return None if value is None else to_iso(value)


def _parse_time(value: Any) -> Any:
    return None if value is None else from_iso(value)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def sample_to_dict(sample: Sample) -> dict[str, Any]:
    """A sample as the HTTP API and its event stream carry it."""
    return {
        "source": sample.source,
        "check": sample.check,
        "metric": sample.metric,
        "value": sample.value,
        "error": sample.error,
        "at": to_iso(sample.at),
        "labels": dict(sample.labels),
    }


def sample_from_dict(data: dict[str, Any]) -> Sample:
    """The inverse of `sample_to_dict`; raises KeyError/ValueError/TypeError on a bad record."""
    labels = data.get("labels") or {}
    if not isinstance(labels, dict):
        raise TypeError("labels must be an object")
    error = data.get("error")
    return Sample(
        source=str(data["source"]),
        check=str(data["check"]),
        metric=str(data["metric"]),
        value=_optional_float(data.get("value")),
        at=from_iso(str(data["at"])),
        error=None if error is None else str(error),
        labels={str(k): str(v) for k, v in labels.items()},
    )
