"""An incident's postmortem as Markdown: what happened, who did what and when, what it cost,
what was checked and suspected, and what the review concluded. Pure: everything it shows is
passed in, the time it was written included, so the same incident renders the same file."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from onwatch.incidents.context import IncidentContext
from onwatch.incidents.model import SYSTEM_ACTOR, EntryKind, Incident
from onwatch.incidents.timefmt import format_duration

NOT_RECORDED = "_Not recorded yet: `onwatch incidents review ID --root-cause TEXT`._"
MAX_EVIDENCE_DEPTH = 4


def when(at: datetime | None) -> str:
    return "-" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def cell(text: object) -> str:
    """User text made safe for one Markdown table cell: pipes escaped, lines joined."""
    flat = " ".join(str(text).split())
    return flat.replace("\\", "\\\\").replace("|", "\\|") or " "


def line(text: object) -> str:
    """User text on one list line: its line breaks would end the item."""
    return " ".join(str(text).split())


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _since(start: datetime, end: datetime | None, otherwise: str) -> str:
    return otherwise if end is None else format_duration(end - start)


def render_postmortem(incident: Incident, context: IncidentContext, *, now: datetime) -> str:
    """The whole document, ending in one newline."""
    i = incident
    parts: list[str] = [f"# Postmortem: incident #{i.id}: {line(i.title)}", ""]
    parts.append(f"Written {when(now)} by onwatch. State: {i.state.value}.")
    parts += ["", *_summary(i), "", *_people(i), "", *_impact(i, now), "", *_times(i)]
    parts += ["", *_timeline(i), "", *_notes(i), "", *_checklist(context)]
    evidence = evidence_section(getattr(i, "evidence", None))
    if evidence:
        parts += ["", *evidence]
    parts += ["", *_changes(i, context), "", *_precedents(context), "", *_feedback(i)]
    parts += ["", *_review(i)]
    return "\n".join(parts).rstrip("\n") + "\n"


def _summary(i: Incident) -> list[str]:
    rows = [
        ("Severity", i.severity.value),
        ("Priority", i.priority.value),
        ("Category", i.category.value),
        ("Source", i.source),
        ("Check", f"{i.check} ({i.metric})"),
        ("Samples", str(i.count)),
    ]
    out = ["## Summary", ""]
    if i.description:
        out += [line(i.description), ""]
    out += ["| Field | Value |", "| --- | --- |"]
    out += [f"| {name} | {cell(value)} |" for name, value in rows]
    return out


def _people(i: Incident) -> list[str]:
    handed = [e.note for e in i.timeline if e.kind == EntryKind.HANDED_OVER]
    responders = sorted({e.by for e in i.timeline if e.by != SYSTEM_ACTOR})
    reporter = i.reporter
    if reporter and "://" in reporter:
        reporter = reporter.split("://", 1)[0] + "://..."  # a contact URL may carry a secret
    out = ["## Owner and roles", ""]
    out.append(f"- Owner: {line(i.owner or 'nobody')}")
    out.append(f"- Incident manager: {line(i.incident_manager or 'nobody')}")
    if i.reports:
        plural = "" if i.reports == 1 else "s"
        out.append(f"- Reporter: {line(reporter or '-')} ({i.reports} report{plural})")
    else:
        out.append("- Reporter: none (raised by a check)")
    out.append(f"- Handed over: {line('; '.join(handed)) if handed else 'no'}")
    out.append(f"- Took part: {line(', '.join(responders)) if responders else 'nobody yet'}")
    return out


def _impact(i: Incident, now: datetime) -> list[str]:
    end = i.resolved_at or i.closed_at
    lasted = (end or now) - i.created_at
    still = "" if end is not None else " so far (not resolved)"
    peak = i.peak if i.peak is not None else i.value
    out = ["## Impact", "", f"- Duration: {format_duration(lasted)}{still}"]
    if peak is None and i.threshold is None:
        out.append("- Peak value: none (the check failed rather than measured)")
    else:
        out.append(f"- Peak value: {_number(peak)} against threshold {_number(i.threshold)}")
    out.append(f"- Escalation level reached: {i.escalation_level}")
    return out


def _times(i: Incident) -> list[str]:
    out = ["## Detection and response", "", "| Milestone | When | Time from detection |"]
    out.append("| --- | --- | --- |")
    out.append(f"| Detected | {when(i.created_at)} | 0s |")
    for name, at in (
        ("Acknowledged", i.acknowledged_at),
        ("Resolved", i.resolved_at),
        ("Closed", i.closed_at),
    ):
        out.append(f"| {name} | {when(at)} | {_since(i.created_at, at, '-')} |")
    tta = _since(i.created_at, i.acknowledged_at, "not acknowledged")
    ttr = _since(i.created_at, i.resolved_at, "not resolved")
    out += ["", f"- Time to acknowledge: {tta}", f"- Time to resolve: {ttr}"]
    return out


def _timeline(i: Incident) -> list[str]:
    out = ["## Timeline", "", "| When | Who | What |", "| --- | --- | --- |"]
    for entry in i.timeline:
        what = str(entry.kind) + (f": {entry.note}" if entry.note else "")
        out.append(f"| {when(entry.at)} | {cell(entry.by)} | {cell(what)} |")
    return out


def _notes(i: Incident) -> list[str]:
    out = ["## Notes", ""]
    if not i.notes:
        return [*out, "None."]
    return out + [f"- {when(n.at)}, {line(n.by)}: {line(n.note)}" for n in i.notes]


def _checklist(context: IncidentContext) -> list[str]:
    out = ["## Checklist", ""]
    for item in context.checklist:
        done = item.tick
        by = "" if done is None else f" ({line(done.by)}, {when(done.at)})"
        out.append(f"- [{'x' if done else ' '}] {item.number}. {line(item.text)}{by}")
    return out if context.checklist else [*out, "None."]


def _changes(i: Incident, context: IncidentContext) -> list[str]:
    out = [
        "## Changes nearby",
        "",
        "From 2 h before it opened until it resolved, nearest first.",
        "",
    ]
    if not context.changes:
        return [*out, "None recorded."]
    out += [
        "| When | Relative to opening | Source | By | Change |",
        "| --- | --- | --- | --- | --- |",
    ]
    for change in context.changes:
        delta = change.at - i.created_at
        relative = (
            f"{format_duration(-delta)} before"
            if delta < timedelta(0)
            else f"{format_duration(delta)} after"
        )
        out.append(
            f"| {when(change.at)} | {relative} | {cell(change.source or '-')} "
            f"| {cell(change.by or '-')} | {cell(change.text)} |"
        )
    return out


def _precedents(context: IncidentContext) -> list[str]:
    out = ["## What fixed it last time", ""]
    if not context.precedents:
        return [*out, "No earlier incident like this one."]
    out += [
        "| Incident | Opened | Lasted | Resolution | Root cause |",
        "| --- | --- | --- | --- | --- |",
    ]
    for found in context.precedents:
        lasted = "-" if found.lasted is None else format_duration(found.lasted)
        how = "same check" if found.same_fingerprint else "similar title"
        out.append(
            f"| #{found.id} {cell(found.title)} ({how}) | {when(found.opened_at)} | {lasted} "
            f"| {cell(found.resolution or '-')} | {cell(found.root_cause or '-')} |"
        )
    return out


def _feedback(i: Incident) -> list[str]:
    out = ["## Feedback", ""]
    if not i.feedback:
        return [*out, "None given."]
    for given in i.feedback:
        comment = f": {line(given.comment)}" if given.comment else ""
        out.append(f"- {given.rating}/5 by {line(given.by)}, {when(given.at)}{comment}")
    return out


def _review(i: Incident) -> list[str]:
    out = ["## Root cause", "", line(i.root_cause) if i.root_cause else NOT_RECORDED]
    out += ["", "## Action items", ""]
    if not i.actions:
        return [*out, "None yet: `onwatch incidents review ID --action TEXT`."]
    return out + [f"- [ ] {line(action)}" for action in i.actions]


def evidence_section(evidence: Any) -> list[str]:
    """What was captured when the incident opened, if anything: a mapping of any shape, shown
    as nested lists (nothing at all when it is missing or empty)."""
    if not isinstance(evidence, Mapping) or not evidence:
        return []
    return ["## Evidence", "", *_evidence_lines(evidence, 0)]


def _evidence_lines(value: Any, depth: int) -> list[str]:
    pad = "  " * depth
    if isinstance(value, Mapping):
        out = []
        for key, inner in value.items():
            if isinstance(inner, (Mapping, list, tuple)) and depth < MAX_EVIDENCE_DEPTH:
                out.append(f"{pad}- {line(key)}:")
                out.extend(_evidence_lines(inner, depth + 1))
            else:
                out.append(f"{pad}- {line(key)}: {_scalar(inner)}")
        return out
    if isinstance(value, (list, tuple)):
        out = []
        for inner in value:
            if isinstance(inner, (Mapping, list, tuple)) and depth < MAX_EVIDENCE_DEPTH:
                out.append(f"{pad}-")
                out.extend(_evidence_lines(inner, depth + 1))
            else:
                out.append(f"{pad}- {_scalar(inner)}")
        return out
    return [f"{pad}- {_scalar(value)}"]


def _scalar(value: Any) -> str:
    text = line(value).replace("`", "'")
    return f"`{text}`" if text else "-"
