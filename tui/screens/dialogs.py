"""Small modal questions: confirm a close, type a note, pick a priority, search."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from onwatch.incidents import Priority

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT | None]):
    """A small question: `escape` or a Cancel button answers None, the `confirm` button
    submits (`submit`, which subclasses with a form define)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def submit(self) -> None:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CloseDialog(Dialog[str]):
    """Returns the optional closing note, or None when cancelled."""

    def __init__(self, incident_id: int, title: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.incident_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Close incident {self.incident_id}?", classes="dialog-title")
            yield Label(self.incident_title, classes="dialog-subtitle")
            yield Input(placeholder="closing note (optional)", id="note")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close incident", variant="error", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def submit(self) -> None:
        self.dismiss(self.query_one("#note", Input).value)


class TextDialog(Dialog[str]):
    """One line of text (a note, a search); None when cancelled."""

    def __init__(self, prompt: str, *, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class PriorityDialog(ModalScreen[Priority | None]):
    """Press 1-5 for P1-P5."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *(Binding(str(n), f"pick({n})", f"P{n}", show=False) for n in range(1, 6)),
    ]

    def __init__(self, incident_id: int, current: Priority) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Priority of incident {self.incident_id}", classes="dialog-title")
            yield Label(f"now {self.current.value}; press 1-5 for P1 (most urgent) to P5")
            with Horizontal(classes="dialog-buttons"):
                for n in range(1, 6):
                    yield Button(f"P{n}", id=f"p{n}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(Priority(event.button.id.upper()))  # type: ignore[union-attr]

    def action_pick(self, number: int) -> None:
        self.dismiss(Priority(f"P{number}"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SilenceDialog(Dialog[tuple[str, str]]):
    """How long and why: returns (duration text, reason), or None when cancelled."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Silence {self.what}", classes="dialog-title")
            yield Label("Still recorded, but nobody is notified and nothing escalates.")
            yield Input(value="1h", placeholder="for how long: 30m, 2h, 1d", id="duration")
            yield Input(placeholder="why (required)", id="reason")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Silence", variant="warning", id="confirm")
                yield Button("Cancel", id="cancel")

    def submit(self) -> None:
        duration = self.query_one("#duration", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#reason", Input).focus()
            self.notify("a silence needs a reason", severity="warning")
            return
        self.dismiss((duration, reason))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "duration":
            self.query_one("#reason", Input).focus()
        else:
            self.submit()
