"""The sections of the incident screen, each a Rich renderable made from the incident (and its
context, once loaded): pure functions of what they are given, so the screen only places them."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text

from onwatch.incidents import EntryKind, Incident
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.evidence import evidence_lines
from onwatch.incidents.timefmt import format_duration
from onwatch.tui.incident_view import NOBODY, SEVERITY_LABELS, STATE_LABELS, reporter_label
from onwatch.tui.screens.review_dialogs import item_label


def _local(at: datetime | None) -> str:
    return "-" if at is None else at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def incident_fields(incident: Incident, now: datetime, runbook: str | None) -> Table:
    """Two fields a line, so the timeline stays on screen even at 80x24."""
    i = incident
    marks = f"  [{', '.join(sorted(i.marks))}]" if i.marks else ""
    if i.value is None and i.threshold is None:
        comparison = "no value (the check failed)"
    else:
        comparison = f"{_number(i.value)} against threshold {_number(i.threshold)}"
    pairs = [
        ("state", STATE_LABELS[i.state] + marks, "severity", SEVERITY_LABELS[i.severity]),
        ("priority", i.priority.value, "category", i.category.value),
        ("source", i.source, "check", i.check),
        ("metric", i.metric, "escalation", f"level {i.escalation_level}"),
        ("value", comparison, "count", f"{i.count} samples"),
        (
            "opened",
            f"{_local(i.created_at)} ({format_duration(now - i.created_at)} ago)",
            "last seen",
            _local(i.last_seen_at),
        ),
        ("acked", _local(i.acknowledged_at), "resolved", _local(i.resolved_at)),
        ("closed", _local(i.closed_at), "runbook", runbook or "-"),
        ("owner", i.owner or NOBODY, "manager", i.incident_manager or NOBODY),
        ("reporter", reporter_label(i.reporter), "reports", str(i.reports)),
    ]
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", justify="right", no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(style="bold", justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for row in pairs:
        table.add_row(*row)
    return table


def description_text(incident: Incident) -> Text:
    """What the reporter wrote, across the whole line: it is prose, not a field."""
    if not incident.description:
        return Text()
    text = Text("description ", style="bold")
    text.append(incident.description)
    return text


def evidence_text(incident: Incident) -> Text:
    """What was captured as the incident opened, as it was seen (markup-free: a response body
    is the server's text, not ours)."""
    return Text("\n".join(evidence_lines(incident.evidence)))


def feedback_table(incident: Incident) -> Table | Text:
    if not incident.feedback:
        return Text("none yet", style="dim")
    table = _listing("when", "rating", "who", "comment", wide=("comment",))
    for given in incident.feedback:
        stars = "★" * given.rating + "☆" * (5 - given.rating)
        table.add_row(_local(given.at), f"{stars} {given.rating}/5", given.by, given.comment)
    return table


def timeline_table(incident: Incident) -> Table:
    table = _listing("when", "what", "who", "note", wide=("note",), bold="what")
    for entry in incident.timeline:
        style = "yellow" if entry.kind == EntryKind.NOTE else ""
        table.add_row(_local(entry.at), entry.kind, entry.by, Text(entry.note, style=style))
    return table


def checklist_text(context: IncidentContext | None) -> Text:
    if context is None:
        return Text("loading...", style="dim")
    text = Text()
    for item in context.checklist:
        tick = item.tick
        text.append(item_label(item), style="green" if tick else "")
        if tick is not None:
            text.append(f"  {tick.by}, {_local(tick.at)}", style="dim")
        text.append("\n")
    return text


def changes_table(incident: Incident, context: IncidentContext | None) -> Table | Text:
    """The changes from 2 h before it opened until it resolved, nearest first."""
    if context is None:
        return Text("loading...", style="dim")
    if not context.changes:
        return Text("none recorded from 2 h before it opened (onwatch change add)", style="dim")
    table = _listing("when", "opening", "source", "who", "change", wide=("change",))
    for change in context.changes:
        delta = change.at - incident.created_at
        side = "before" if delta.total_seconds() < 0 else "after"
        relative = f"{format_duration(abs(delta))} {side}"
        # Text, not str: what people typed is never read as Rich markup.
        table.add_row(
            _local(change.at),
            relative,
            Text(change.source or "-"),
            Text(change.by or "-"),
            Text(change.text),
        )
    return table


def precedents_table(context: IncidentContext | None) -> Table | Text:
    if context is None:
        return Text("loading...", style="dim")
    if not context.precedents:
        return Text("no earlier incident like this one", style="dim")
    table = _listing(
        "incident", "opened", "lasted", "resolution", "root cause",
        wide=("incident", "resolution", "root cause"),
    )  # fmt: skip
    for found in context.precedents:
        lasted = "-" if found.lasted is None else format_duration(found.lasted)
        table.add_row(
            Text(f"#{found.id} {found.title}"),
            _local(found.opened_at),
            lasted,
            Text(found.resolution or "-"),
            Text(found.root_cause or "-"),
        )
    return table


def review_text(incident: Incident) -> Text:
    if not incident.root_cause and not incident.actions:
        return Text("not reviewed yet (v)", style="dim")
    text = Text("root cause ", style="bold")
    text.append(incident.root_cause or "-")
    for action in incident.actions:
        text.append("\naction ", style="bold")
        text.append(action)
    return text


def _listing(*columns: str, wide: tuple[str, ...], bold: str = "") -> Table:
    """A borderless table across the width: the `wide` columns share what the others, each
    kept on one line, leave."""
    table = Table(box=None, show_edge=False, pad_edge=False, expand=True)
    for name in columns:
        if name in wide:
            table.add_column(name, ratio=1)
        else:
            table.add_column(name, style="bold" if name == bold else "", no_wrap=True)
    return table
