"""The `?` screen: every key, what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# onwatch keys

| key | action |
|-----|--------|
| `↑` `↓` | select an incident |
| `enter` | open the selected incident |
| `a` | acknowledge: you are on it |
| `e` | escalate to the next level |
| `c` | close (asks first; optional note) |
| `n` | add a note to the timeline |
| `r` | reopen a resolved or closed incident |
| `p` | change the priority (1-5) |
| `/` | search incidents by text |
| `f` | cycle the state filter (open, triggered, acknowledged, resolved, closed) |
| `v` | cycle the severity filter (all, critical, warning and worse) |
| `w` | wall mode, for a screen across the room (`w` or `esc` leaves) |
| `ctrl+p` | command palette: every action, themes |
| `?` | this help |
| `q` | quit |

Statuses read as words and symbols as well as colours:
`✓ OK`, `▲ WARN`, `✖ CRIT`, `▼ DOWN`, `? NO DATA`, `◌ SILENCED`.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Markdown(HELP)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
