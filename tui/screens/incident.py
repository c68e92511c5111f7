"""One incident in full: every field, the value against its threshold, the timeline."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from incidents import Incident
from incidents.timefmt import format_duration
from tui.view import SEVERITY_LABELS, STATE_LABELS


def _local(at: datetime | None) -> str:
    return "-" if at is None else at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def incident_fields(incident: Incident, now: datetime, runbook: str | None) -> Table:
    i = incident
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", justify="right")
    table.add_column()
    comparison = f"{_number(i.value)} against threshold {_number(i.threshold)}"
    rows = [
        ("incident", f"#{i.id}  {i.title}"),
        ("state", STATE_LABELS[i.state] + (f"  [{', '.join(sorted(i.marks))}]" if i.marks else "")),
        ("severity", SEVERITY_LABELS[i.severity]),
        ("priority", i.priority.value),
        ("category", i.category.value),
        ("source", i.source),
        ("check", i.check),
        ("metric", i.metric),
        ("value", comparison),
        ("escalation", f"level {i.escalation_level}"),
        ("count", f"{i.count} breaching samples"),
        ("opened", f"{_local(i.created_at)}  ({format_duration(now - i.created_at)} ago)"),
        ("last seen", _local(i.last_seen_at)),
        ("acknowledged", _local(i.acknowledged_at)),
        ("resolved", _local(i.resolved_at)),
        ("closed", _local(i.closed_at)),
        ("runbook", runbook or "-"),
        ("fingerprint", i.fingerprint),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def timeline_table(incident: Incident) -> Table:
    table = Table(box=None, show_edge=False, pad_edge=False, expand=True)
    table.add_column("when", no_wrap=True)
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("who", no_wrap=True)
    table.add_column("note", ratio=1)
    for entry in incident.timeline:
        style = "yellow" if entry.kind == "note" else ""
        table.add_row(_local(entry.at), entry.kind, entry.by, Text(entry.note, style=style))
    return table


class IncidentScreen(Screen[None]):
    BINDINGS = [Binding("escape,backspace", "app.pop_screen", "Back")]

    def __init__(self, incident: Incident, now: datetime, runbook: str | None) -> None:
        super().__init__()
        self.incident = incident
        self.now = now
        self.runbook = runbook

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="incident-detail"):
            yield Static(id="fields")
            yield Static("Timeline", classes="section-title")
            yield Static(id="timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.incident, self.now)

    def show(self, incident: Incident, now: datetime) -> None:
        self.incident = incident
        self.now = now
        self.query_one("#fields", Static).update(incident_fields(incident, now, self.runbook))
        self.query_one("#timeline", Static).update(timeline_table(incident))
