"""The `?` screen: every key, what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("↑ ↓", "select an incident"),
    ("enter", "open the selected incident"),
    ("a", "acknowledge: you are on it"),
    ("e", "escalate: fire the next step of the escalation policy"),
    ("c", "close (asks first; optional note)"),
    ("n", "add a note to the timeline"),
    ("r", "reopen a resolved or closed incident"),
    ("p", "change the priority (1-5)"),
    ("s", "silence the selected incident's check, or the selected source (tab to the sources)"),
    ("/", "search incidents by text"),
    ("f", "cycle the state filter: open, triggered, acknowledged, resolved, closed"),
    ("v", "cycle the severity filter: all, critical, warning and worse"),
    ("w", "wall mode, for a screen across the room (w or esc leaves)"),
    ("ctrl+p", "command palette: every action, themes"),
    ("?", "this help"),
    ("q", "quit"),
)
STATUSES = "✓ OK   ▲ WARN   ✖ CRIT   ▼ DOWN   ? NO DATA   ◌ SILENCED"


def help_table() -> Table:
    table = Table(title="onwatch keys", title_style="bold", expand=True, show_edge=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("action")
    for key, action in KEYS:
        table.add_row(key, action)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(help_table())
            yield Static(
                Text.assemble("\nStatuses read as words and symbols: ", (STATUSES, "bold"))
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
