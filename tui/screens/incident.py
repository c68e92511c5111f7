"""One incident in full: every field, the value against its threshold, the timeline."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from onwatch.engine.api import NotFound, Unavailable
from onwatch.incidents import Incident, IncidentError
from onwatch.incidents.context import IncidentContext
from onwatch.tui.messages import BackendChanged
from onwatch.tui.screens.acting import ActingScreen
from onwatch.tui.screens.incident_sections import (
    changes_table,
    checklist_text,
    description_text,
    evidence_text,
    feedback_table,
    incident_fields,
    precedents_table,
    review_text,
    timeline_table,
)
from onwatch.tui.screens.review_dialogs import ChecklistDialog, Review, ReviewDialog

CLOCK_SECONDS = 1.0


class IncidentScreen(ActingScreen):
    """The incident keys act on the incident shown; it follows the backend's changes."""

    BINDINGS: ClassVar = [
        Binding("escape,backspace", "app.pop_screen", "Back", tooltip="Back to the list", id="back"),
        Binding("k", "checklist", "Checklist", tooltip="Tick (or untick) an item of the incident's checklist", id="checklist"),
        Binding("v", "review", "Review", tooltip="Record the root cause and an action item of the review", id="review"),
        Binding("x", "export", "Postmortem", tooltip="Write the incident's postmortem (Markdown) to a file", id="postmortem"),
    ]  # fmt: skip

    def __init__(self, incident: Incident, runbook: str | None = None) -> None:
        super().__init__()
        self.incident = incident
        self.runbook = runbook
        self.context: IncidentContext | None = None
        self._context_of: tuple[int, str, int] | None = None

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
            yield Static("Checklist", classes="section-title")
            yield Static(id="checklist")
            yield Static("Changes nearby", classes="section-title")
            yield Static(id="changes")
            yield Static("What fixed it last time", classes="section-title")
            yield Static(id="precedents")
            yield Static("Review", classes="section-title")
            yield Static(id="review")
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
        self.query_one("#review", Static).update(review_text(incident))
        # The context reads the archive and the change log: again only when the incident moved.
        key = (incident.id, incident.state.value, len(incident.timeline))
        if key != self._context_of:
            self._context_of = key
            self.load_context(incident)
        self._show_context()

    def _show_context(self) -> None:
        context = self.context
        self.query_one("#checklist", Static).update(checklist_text(context))
        self.query_one("#changes", Static).update(changes_table(self.incident, context))
        self.query_one("#precedents", Static).update(precedents_table(context))

    @work(
        exclusive=True,
        group="incident-context",
        exit_on_error=False,
        description="load incident context",  # not the repr of the incident and its timeline
    )
    async def load_context(self, incident: Incident) -> None:
        try:
            self.context = await self.console.backend.context(incident)
        except (IncidentError, NotFound, Unavailable) as exc:
            self.notify(str(exc), title="checklist not loaded", severity="error")
            return
        self._show_context()

    def action_checklist(self) -> None:
        context = self.context
        if context is None or not context.checklist:
            self.notify("the checklist is still loading", severity="warning")
            return
        incident = self.incident

        def picked(answer: tuple[int, bool] | None) -> None:
            if answer is None:
                return
            number, undo = answer
            verb = f"{'unticked' if undo else 'ticked'} item {number}"
            self.console.act(incident.id, verb, self.console.backend.check, number, undo=undo)

        self.app.push_screen(ChecklistDialog(incident.id, context.checklist), picked)

    def action_review(self) -> None:
        incident = self.incident

        def reviewed(answer: Review | None) -> None:
            if answer is None:
                return
            backend = self.console.backend
            self.console.act(
                incident.id,
                "reviewed",
                backend.review,
                root_cause=answer.root_cause,
                actions=answer.actions,
            )

        self.app.push_screen(ReviewDialog(incident.id, incident.root_cause), reviewed)

    def action_export(self) -> None:
        self.console.export_postmortem(self.incident.id)
