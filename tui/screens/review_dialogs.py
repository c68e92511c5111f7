"""The dialogs of diagnosis and review: tick a checklist item, record the review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from onwatch.incidents.checklist import Item
from onwatch.tui.screens.dialogs import Dialog


def item_label(item: Item) -> str:
    return f"{item.number}. [{'x' if item.done else ' '}] {item.text}"


class ChecklistDialog(Dialog[tuple[int, bool]]):
    """Pick an item: an open one is ticked, a ticked one unticked. Returns (number, undo)."""

    def __init__(self, incident_id: int, items: Sequence[Item]) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Checklist of incident {self.incident_id}", classes="dialog-title")
            yield Label("enter ticks an item, or unticks a ticked one", classes="dialog-subtitle")
            options = [Option(item_label(i), id=str(i.number)) for i in self.items]
            yield OptionList(*options, id="checklist")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        number = int(event.option.id or 0)
        item = next(i for i in self.items if i.number == number)
        self.dismiss((number, item.done))


@dataclass(frozen=True, slots=True)
class Review:
    root_cause: str | None
    actions: tuple[str, ...]


class ReviewDialog(Dialog[Review]):
    """The root cause (pre-filled with the one recorded) and one more action item."""

    def __init__(self, incident_id: int, root_cause: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.root_cause = root_cause

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Review of incident {self.incident_id}", classes="dialog-title")
            yield Input(
                value=self.root_cause, placeholder="root cause", id="root-cause", max_length=4000
            )
            yield Input(placeholder="an action item (optional)", id="action", max_length=1000)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Record", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def submit(self) -> None:
        cause = self.query_one("#root-cause", Input).value.strip()
        action = self.query_one("#action", Input).value.strip()
        changed = cause if cause and cause != self.root_cause else None
        if changed is None and not action:
            self.query_one("#root-cause", Input).focus()
            self.notify("say what caused it, or add an action item", severity="warning")
            return
        self.dismiss(Review(changed, (action,) if action else ()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "root-cause":
            self.query_one("#action", Input).focus()
        else:
            self.submit()
