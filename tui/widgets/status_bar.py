"""The header line: what is open, how the checks are doing, who is on, what time it is."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from onwatch.incidents import Severity
from onwatch.tui.view import SEVERITY_LABELS, Summary

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold cyan",
}


def _clock(at: datetime) -> str:
    return at.astimezone().strftime("%H:%M:%S")


class StatusBar(Static):
    def show(
        self,
        summary: Summary,
        operator: str,
        now: datetime,
        notes: list[str] | None = None,
        engine_holder: str | None = None,
    ) -> None:
        """`engine_holder` names who runs the checks when this console does not; the last poll
        is then theirs to know, not this console's."""
        line = Text()
        for severity, count in summary.open_by_severity:
            style = SEVERITY_STYLES[severity] if count else "dim"
            line.append(f"{SEVERITY_LABELS[severity]} {count}", style=style)
            line.append("  ")
        line.append("│ ", style="dim")
        if engine_holder is not None:
            # This console runs no check: how they are doing is the engine's to say.
            line.append(engine_holder, style="bold")
        else:
            up_style = "green" if summary.checks_up else ""
            line.append(f"checks {summary.checks_up} up", style=up_style)
            line.append(" / ")
            down_style = "bold red" if summary.checks_down else "dim"
            line.append(f"{summary.checks_down} down", style=down_style)
            line.append(" │ ", style="dim")
            poll = _clock(summary.last_poll) if summary.last_poll else "never"
            line.append(f"last poll {poll}")
        line.append(" │ ", style="dim")
        line.append(operator, style="bold")
        line.append(" │ ", style="dim")
        line.append(_clock(now), style="bold")
        for note in notes or ():
            line.append("\n")
            line.append(f"! {note}", style="yellow")
        self.update(line)

    def starting(self, operator: str, now: datetime) -> None:
        line = Text("starting: loading incidents and checks…", style="bold")
        line.append(f"  │ {operator} │ {_clock(now)}", style="dim")
        self.update(line)
