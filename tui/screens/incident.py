"""One incident in full: every field, the value against its threshold, the timeline."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from onwatch.incidents import EntryKind, Incident
from onwatch.incidents.evidence import evidence_lines
from onwatch.incidents.timefmt import format_duration
from onwatch.tui.incident_view import NOBODY, SEVERITY_LABELS, STATE_LABELS, reporter_label
from onwatch.tui.messages import BackendChanged
from onwatch.tui.screens.acting import ActingScreen

CLOCK_SECONDS = 1.0


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
    table = Table(box=None, show_edge=False, pad_edge=False, expand=True)
    table.add_column("when", no_wrap=True)
    table.add_column("rating", no_wrap=True)
    table.add_column("who", no_wrap=True)
    table.add_column("comment", ratio=1)
    for given in incident.feedback:
        stars = "★" * given.rating + "☆" * (5 - given.rating)
        table.add_row(_local(given.at), f"{stars} {given.rating}/5", given.by, given.comment)
    return table


def timeline_table(incident: Incident) -> Table:
    table = Table(box=None, show_edge=False, pad_edge=False, expand=True)
    table.add_column("when", no_wrap=True)
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("who", no_wrap=True)
    table.add_column("note", ratio=1)
    for entry in incident.timeline:
        style = "yellow" if entry.kind == EntryKind.NOTE else ""
        table.add_row(_local(entry.at), entry.kind, entry.by, Text(entry.note, style=style))
    return table


class IncidentScreen(ActingScreen):
    """The incident keys act on the incident shown; it follows the backend's changes."""

    BINDINGS: ClassVar = [
        Binding("escape,backspace", "app.pop_screen", "Back", tooltip="Back to the list", id="back")
    ]

    def __init__(self, incident: Incident, runbook: str | None = None) -> None:
        super().__init__()
        self.incident = incident
        self.runbook = runbook

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="incident-detail"):
            yield Static(id="headline")
            yield Static(id="fields")
            yield Static(id="description")
            # Evidence at detection.
            yield Static("Evidence", id="evidence-title", classes="section-title")
            yield Static(id="evidence")
            yield Static("Timeline", classes="section-title")
            yield Static(id="timeline")
            yield Static("Feedback", classes="section-title")
            yield Static(id="feedback")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show(self.incident, self.console.clock())
        self.set_interval(CLOCK_SECONDS, self._follow)

    @on(BackendChanged)
    def _follow(self) -> None:
        current = self.console.backend.incident(self.incident.id)
        self.show(current or self.incident, self.console.clock())

    def selected_incident(self) -> Incident | None:
        return self.console.backend.incident(self.incident.id) or self.incident

    def show(self, incident: Incident, now: datetime) -> None:
        self.incident = incident
        headline = Text(f"#{incident.id}  ", style="bold")
        headline.append(incident.title, style="bold")
        self.query_one("#headline", Static).update(headline)
        self.query_one("#fields", Static).update(incident_fields(incident, now, self.runbook))
        description = self.query_one("#description", Static)
        description.update(description_text(incident))
        description.display = bool(incident.description)
        # Evidence at detection.
        evidence = self.query_one("#evidence", Static)
        evidence.update(evidence_text(incident))
        evidence.display = bool(incident.evidence)
        self.query_one("#evidence-title", Static).display = bool(incident.evidence)
        self.query_one("#timeline", Static).update(timeline_table(incident))
        self.query_one("#feedback", Static).update(feedback_table(incident))
