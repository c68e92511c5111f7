"""The dialogs about people: a report, an assignment, a hand-over to a role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Select
from textual.widgets.option_list import Option

from onwatch.incidents import Severity
from onwatch.tui.screens.dialogs import Dialog


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    severity: Severity
    source: str
    description: str


SEVERITY_CHOICES = [(s.value, s) for s in (Severity.WARNING, Severity.CRITICAL, Severity.INFO)]


class ReportDialog(Dialog[Report]):
    """What is broken: a title (required), how bad, where, and what the reporter saw."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Report an incident", classes="dialog-title")
            yield Input(placeholder="what is broken (required)", id="title", max_length=200)
            yield Select(SEVERITY_CHOICES, value=Severity.WARNING, allow_blank=False, id="severity")
            yield Input(placeholder="affected source (default: reported)", id="source")
            yield Input(placeholder="what you saw (optional)", id="description", max_length=4000)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Report", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def submit(self) -> None:
        title = self.query_one("#title", Input)
        if not title.value.strip():
            title.focus()
            self.notify("a report needs a title", severity="warning")
            return
        severity = self.query_one("#severity", Select).value
        self.dismiss(
            Report(
                title=title.value.strip(),
                severity=Severity(str(severity)),
                source=self.query_one("#source", Input).value.strip(),
                description=self.query_one("#description", Input).value.strip(),
            )
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves on through the form, and reports from its last field.
        if event.input.id == "description":
            self.submit()
        else:
            self.focus_next()


class AssignDialog(Dialog[tuple[str, str]]):
    """Who, and as what: returns (name, "owner" | "incident_manager"), or None."""

    def __init__(self, incident_id: int, name: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.name_value = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Assign incident {self.incident_id}", classes="dialog-title")
            yield Input(value=self.name_value, placeholder="who", id="name")
            with RadioSet(id="as"):
                yield RadioButton("owner", value=True, id="owner")
                yield RadioButton("incident manager", id="incident_manager")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Assign", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def submit(self) -> None:
        name = self.query_one("#name", Input)
        if not name.value.strip():
            name.focus()
            self.notify("assign to whom?", severity="warning")
            return
        pressed = self.query_one(RadioSet).pressed_button
        as_ = "owner" if pressed is None or pressed.id is None else pressed.id
        self.dismiss((name.value.strip(), as_))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()


class RoleDialog(Dialog[str]):
    """Pick the role to hand an incident over to."""

    def __init__(self, incident_id: int, roles: Sequence[str]) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.roles = list(roles)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Hand incident {self.incident_id} over to", classes="dialog-title")
            yield OptionList(*(Option(role, id=role) for role in self.roles), id="roles")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
