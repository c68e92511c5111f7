"""The `?` screen: every key, what it does, read from the bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from onwatch.tui.commands import commands_for, key_of

MOVING = (
    ("↑ ↓ pgup pgdn", "select an incident"),
    ("enter", "open the selected incident"),
    ("tab", "move between the sources and the incidents"),
)
PALETTE = ("ctrl+p", "command palette: every action below, and the themes")
STATUSES = "✓ OK   ▲ WARN   ✖ CRIT   ▼ DOWN   ? NO DATA   ◌ SILENCED"


def help_table(screen: Screen[object]) -> Table:
    """The keys of `screen` (and the app's), from their bindings."""
    table = Table(title="onwatch keys", title_style="bold", expand=True, show_edge=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("action")
    for key, action in MOVING:
        table.add_row(key, action)
    for command in commands_for(screen):
        table.add_row(key_of(screen.app, command.binding), command.title)
    table.add_row(*PALETTE)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, about: Screen[object]) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(help_table(self.about))
            yield Static(
                Text.assemble("\nStatuses read as words and symbols: ", (STATUSES, "bold"))
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
