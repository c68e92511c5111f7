"""The header line: what is open, how the checks are doing, who is on, what time it is."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from onwatch.incidents import Severity
from onwatch.incidents.board import Summary
from onwatch.tui.incident_view import SEVERITY_LABELS

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold cyan",
}


def _clock(at: datetime) -> str:
    return at.astimezone().strftime("%H:%M:%S")


def _summary_line(
    summary: Summary, operator: str, now: datetime, engine_holder: str | None, *, compact: bool
) -> Text:
    """The header's first line; `compact` drops the words the symbols already say."""
    line = Text()
    for severity, count in summary.open_by_severity:
        style = SEVERITY_STYLES[severity] if count else "dim"
        label = SEVERITY_LABELS[severity].split()[0] if compact else SEVERITY_LABELS[severity]
        line.append(f"{label} {count}", style=style)
        line.append("  ")
    line.append("│ ", style="dim")
    if engine_holder is not None:
        # This console runs no check: how they are doing is the engine's to say.
        line.append(engine_holder, style="bold")
    else:
        up_style = "green" if summary.checks_up else ""
        line.append(f"{'' if compact else 'checks '}{summary.checks_up} up", style=up_style)
        line.append(" / ")
        down_style = "bold red" if summary.checks_down else "dim"
        line.append(f"{summary.checks_down} down", style=down_style)
        line.append(" │ ", style="dim")
        poll = _clock(summary.last_poll) if summary.last_poll else "never"
        line.append(f"{'poll' if compact else 'last poll'} {poll}")
    line.append(" │ ", style="dim")
    line.append(operator, style="bold")
    line.append(" │ ", style="dim")
    line.append(_clock(now), style="bold")
    return line


class StatusBar(Static):
    _shape: tuple[str, ...] | None = None
    """The notes last shown (None: something else, such as "starting")."""

    def show(
        self,
        summary: Summary,
        operator: str,
        now: datetime,
        notes: list[str] | None = None,
        engine_holder: str | None = None,
    ) -> None:
        """`engine_holder` names who runs the checks when this console does not; the last poll
        is then theirs to know, not this console's. Shortened rather than wrapped when the
        terminal is narrow: the header is one line at 80 columns."""
        line = _summary_line(summary, operator, now, engine_holder, compact=False)
        room = self.content_size.width
        if room and line.cell_len > room:
            line = _summary_line(summary, operator, now, engine_holder, compact=True)
        for note in notes or ():
            line.append("\n")
            line.append(f"! {note}", style="yellow")
        # The clock changes every second; the bar's height only with its notes (and the
        # terminal's width, which lays out anyway). A layout of the whole screen each second
        # would hold up keys for nothing.
        shape = tuple(notes or ())
        self.update(line, layout=shape != self._shape)
        self._shape = shape

    def starting(self, operator: str, now: datetime) -> None:
        line = Text("starting: loading incidents and checks…", style="bold")
        line.append(f"  │ {operator} │ {_clock(now)}", style="dim")
        self.update(line)
        self._shape = None
