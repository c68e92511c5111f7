"""The operator's console."""

from __future__ import annotations

from textual import work
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from engine import Operations
from engine.operations import Clock
from incidents import Incident
from incidents.timefmt import format_duration
from store import IncidentStore

POLL_SECONDS = 2.0


class OnwatchApp(App[None]):
    TITLE = "onwatch"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, *, store: IncidentStore, operations: Operations, clock: Clock) -> None:
        super().__init__()
        self.store = store
        self.operations = operations
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield DataTable(id="incidents", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ID", "PRI", "SEVERITY", "STATE", "AGE", "SOURCE", "TITLE")
        self.refresh_incidents()
        self.set_interval(POLL_SECONDS, self.refresh_incidents)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def refresh_incidents(self) -> None:
        incidents = self.store.unclosed()
        self.call_from_thread(self._show, incidents)

    def _show(self, incidents: list[Incident]) -> None:
        table = self.query_one(DataTable)
        now = self.clock()
        table.clear()
        for i in incidents:
            table.add_row(
                str(i.id), i.priority.value, i.severity.value, i.state.value,
                format_duration(now - i.created_at), i.source, i.title, key=str(i.id),
            )
