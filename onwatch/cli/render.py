"""Plain-text views of incidents for the terminal (the CLI's human output)."""

from __future__ import annotations

import json
import sys
from datetime import datetime

from onwatch.incidents import Incident
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.evidence import evidence_lines
from onwatch.incidents.timefmt import format_duration, to_iso

_COLUMNS = ("ID", "PRI", "SEVERITY", "STATE", "ESC", "AGE", "SOURCE", "OWNER", "TITLE")


def incident_table(incidents: list[Incident], now: datetime) -> str:
    if not incidents:
        return "no incidents"
    rows = [_COLUMNS] + [
        (
            str(i.id),
            i.priority.value,
            i.severity.value,
            i.state.value + ("*" if i.marks else ""),
            str(i.escalation_level),
            format_duration(now - i.created_at),
            i.source,
            i.owner or "-",
            i.title,
        )
        for i in incidents
    ]
    return columns(rows)


def columns(rows: list[tuple[str, ...]]) -> str:
    """Rows (a header first) as aligned columns; the last column runs free."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True))
        + "  "
        + row[-1]
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


def action_line(incident: Incident) -> str:
    """What an action prints without --json: what happened, by whom, and the state now."""
    last = incident.timeline[-1]
    return f"incident {incident.id} {last.kind} by {last.by}: {incident.state.value}"


def print_json(data: object) -> None:
    """What `--json` prints: indented, UTF-8 as is, one trailing newline."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def incident_detail(incident: Incident, now: datetime) -> str:
    i = incident
    fields = [
        ("id", str(i.id)),
        ("title", i.title),
        ("state", i.state.value),
        ("severity", i.severity.value),
        ("priority", i.priority.value),
        ("category", i.category.value),
        ("source", i.source),
        ("check", i.check),
        ("metric", i.metric),
        ("value", _number(i.value)),
        ("threshold", _number(i.threshold)),
        ("escalation", str(i.escalation_level)),
        ("count", str(i.count)),
        ("marks", ", ".join(sorted(m.value for m in i.marks)) or "-"),
        ("opened", f"{to_iso(i.created_at)} ({format_duration(now - i.created_at)} ago)"),
        ("last seen", to_iso(i.last_seen_at)),
        ("acknowledged", _time(i.acknowledged_at)),
        ("resolved", _time(i.resolved_at)),
        ("closed", _time(i.closed_at)),
        ("owner", i.owner or "-"),
        ("incident manager", i.incident_manager or "-"),
        ("reporter", _contact(i.reporter)),
        ("reports", str(i.reports)),
        ("description", i.description or "-"),
    ]
    width = max(len(name) for name, _ in fields)
    lines = [f"{name.rjust(width)}: {value}" for name, value in fields]
    for given in i.feedback:
        comment = f": {given.comment}" if given.comment else ""
        lines.append(f"{'feedback'.rjust(width)}: {given.rating}/5 by {given.by}{comment}")
    # An external alert's own words; shown only when there are some, so others read as before.
    lines.extend(f"{'label'.rjust(width)}: {name}={value}" for name, value in i.labels)
    lines.extend(f"{'annotation'.rjust(width)}: {name}={value}" for name, value in i.annotations)
    if i.alertmanager_silence:
        lines.append(f"{'silence'.rjust(width)}: {i.alertmanager_silence} (in Alertmanager)")
    if i.evidence:
        lines.append("")
        lines.append("evidence (as it opened):")
        lines.extend(f"  {line}" for line in evidence_lines(i.evidence))
    lines.append("")
    lines.append("timeline:")
    for entry in i.timeline:
        note = f"  {entry.note}" if entry.note else ""
        lines.append(f"  {to_iso(entry.at)}  {entry.kind:<12} by {entry.by}{note}")
    return "\n".join(lines)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _time(value: datetime | None) -> str:
    return "-" if value is None else to_iso(value)


def _contact(contact: str | None) -> str:
    # An apprise URL may carry a password or a token: show only how the reporter is reached.
    if contact is None:
        return "-"
    if "://" in contact:
        return contact.split("://", 1)[0] + "://..."
    return contact


def context_detail(incident: Incident, context: IncidentContext) -> str:
    """The checklist (numbered as `incidents check` takes them), the changes near it and
    what fixed it last time, after `incident_detail`."""
    lines = ["", "checklist:"]
    for item in context.checklist:
        tick = item.tick
        done = "" if tick is None else f"  ({tick.by}, {to_iso(tick.at)})"
        lines.append(f"  {item.number}. [{'x' if tick else ' '}] {item.text}{done}")
    lines += ["", "changes nearby (2 h before it opened until it resolved, nearest first):"]
    if not context.changes:
        lines.append("  none recorded")
    for change in context.changes:
        where = f" [{change.source}]" if change.source else ""
        lines.append(f"  {to_iso(change.at)}{where} {change.text} (by {change.by or '-'})")
    lines += ["", "what fixed it last time:"]
    if not context.precedents:
        lines.append("  no earlier incident like this one")
    for found in context.precedents:
        lasted = "-" if found.lasted is None else format_duration(found.lasted)
        lines.append(f"  #{found.id} {to_iso(found.opened_at)} lasted {lasted}: {found.title}")
        lines.append(f"      resolution: {found.resolution or '-'}")
        lines.append(f"      root cause: {found.root_cause or '-'}")
    if incident.root_cause or incident.actions:
        lines += ["", f"root cause: {incident.root_cause or '-'}"]
        lines += [f"action: {action}" for action in incident.actions]
    return "\n".join(lines)
