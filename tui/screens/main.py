"""The main screen: the header line, the sources, the open incidents, filters and search."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from onwatch.engine.api import SourceView, Unavailable
from onwatch.incidents import Incident, State
from onwatch.incidents.board import SourceRow, source_rows, summarize
from onwatch.incidents.timefmt import next_text_change
from onwatch.tui.incident_view import (
    IncidentRow,
    SeverityFilter,
    StateFilter,
    incident_row,
    matches_search,
)
from onwatch.tui.messages import BackendChanged
from onwatch.tui.screens.acting import ActingScreen
from onwatch.tui.screens.dialogs import TextDialog
from onwatch.tui.screens.engine_keys import EngineKeys
from onwatch.tui.screens.people_dialogs import Report, ReportDialog
from onwatch.tui.screens.stats import StatsScreen
from onwatch.tui.widgets.incident_list import IncidentList, header_text
from onwatch.tui.widgets.status_bar import StatusBar
from onwatch.tui.widgets.tables import SourcesTable

CLOCK_SECONDS = 1.0
FLASH_SECONDS = 2.0
CLOSED_PAGE = 500
"""Closed incidents shown at most under the `closed` filter, newest first."""


class MainScreen(EngineKeys, ActingScreen):
    BINDINGS: ClassVar = [
        Binding("slash", "search", "Search", tooltip="Filter incidents by text in title, source, check or id", id="search"),
        Binding("f", "cycle_state", "Filter", tooltip="Cycle the state filter: open, triggered, acknowledged, resolved, closed", id="filter-state"),
        Binding("v", "cycle_severity", "Severity", show=False, tooltip="Cycle the severity filter: all, critical, warning and worse", id="filter-severity"),
        Binding("m", "mine", "Mine", tooltip="Show only the incidents you own, or all again", id="filter-mine"),
        Binding("o", "report", "Report", tooltip="Report an incident: title, severity, affected source, description", id="report"),
        Binding("w", "app.wall", "Wall", tooltip="Wall mode: big tiles for a screen across the room", id="wall"),
        Binding("t", "notify_test", "Test notify", show=False, tooltip="Send a marked TEST message to every channel and the desktop", id="notify-test"),
        Binding("ctrl+r", "reload_config", "Reload config", show=False, tooltip="Reload the config file, as SIGHUP does: what changed, or every problem", id="reload-config"),
        Binding("S", "stats", "Stats", show=False, tooltip="Stats: incidents by severity, category and source, response times, noisy checks, per day", id="stats"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.state_filter = StateFilter.OPEN
        self.severity_filter = SeverityFilter.ALL
        self.search_text = ""
        self.mine = False
        self.closed: list[Incident] = []
        self.flashing: dict[str, datetime] = {}
        self.rows: list[SourceRow] = []
        self._judged = False
        """Whether the sources were judged since the backend was ready."""
        self._row_cache: dict[int, tuple[Incident, IncidentRow, datetime]] = {}
        self._rows_until: datetime | None = None
        """Until when the rows shown stay as drawn, if nothing else changes (their ages)."""
        self._title = ""

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Vertical(id="main"):
            yield Static("Sources", classes="section-title", id="sources-title")
            yield SourcesTable(id="sources")
            yield Static("Incidents", classes="section-title", id="incidents-title")
            yield Static(header_text(), id="incidents-header")
            yield IncidentList(id="incidents")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(IncidentList).focus()
        self.set_interval(CLOCK_SECONDS, self._tick)
        self.render_view(sources=True, incidents=True)

    def on_screen_resume(self) -> None:
        # Nothing here was kept up to date while another screen was on top.
        self.render_view(sources=True, incidents=True)

    @on(BackendChanged)
    def _backend_changed(self) -> None:
        sources, incidents = self.console.take_changes()
        self.render_view(sources=sources, incidents=incidents)

    def _tick(self) -> None:
        """The clock and the ages move on; values come with the backend's own events."""
        if not self.is_current:
            return
        # Rows redraw on their own changes (backend events, filters, actions); the clock alone
        # moves them only when an age text would change or a flash ends. Otherwise a tick is
        # the status bar's clock, not thousands of rows filtered again.
        quiet = self._rows_until is not None and self.console.clock() < self._rows_until
        self.render_view(sources=False, incidents=not (quiet and not self.flashing))

    def flash(self, incident_id: int) -> None:
        self.flashing[str(incident_id)] = self.console.clock()
        self.set_timer(FLASH_SECONDS, self._tick)

    # --- drawing -------------------------------------------------------------------------------

    def render_view(self, *, sources: bool, incidents: bool) -> None:
        if not self.is_mounted:
            return
        backend = self.console.backend
        now = self.console.clock()
        status_bar = self.query_one(StatusBar)
        if not backend.ready:
            status_bar.starting(backend.operator, now)
            return
        self.flashing = {
            k: at for k, at in self.flashing.items() if (now - at).total_seconds() < FLASH_SECONDS
        }
        open_incidents = list(backend.incidents())
        if sources or not self._judged:
            # A thousand sources take tens of milliseconds to judge: in a thread, off the keys,
            # and the first time after the incidents are on screen, which matter more.
            self._judged = True
            self._judge_sources(list(backend.sources()), open_incidents)
        self._show_status(open_incidents, now)
        if incidents:
            with self.app.batch_update():
                self._show_incidents(open_incidents, now)

    # A description of our own: by default Textual names a worker by the repr of its
    # arguments, thousands of dataclasses formatted on the loop at every redraw.
    @work(exclusive=True, group="sources", exit_on_error=False, description="judge sources")
    async def _judge_sources(self, sources: list[SourceView], incidents: list[Incident]) -> None:
        # Plain frozen values in, new rows out: nothing the loop touches meanwhile is shared.
        started = time.perf_counter()
        rows = await asyncio.to_thread(source_rows, sources, incidents)
        judged = time.perf_counter() - started
        if self.is_mounted:
            # The thread holds the interpreter while it works: its time counts with the redraw's.
            self._show_sources(rows, spent=judged)
            self._show_status(list(self.console.backend.incidents()), self.console.clock())

    def _show_sources(self, rows: list[SourceRow], *, spent: float) -> None:
        started = time.perf_counter() - spent
        self.rows = rows
        self.query_one(SourcesTable).show(rows)
        self.console.sources_redraw_seconds = time.perf_counter() - started

    def _show_status(self, incidents: list[Incident], now: datetime) -> None:
        backend = self.console.backend
        summary = summarize(incidents, (r.status for r in self.rows), backend.last_poll, now)
        self.query_one(StatusBar).show(
            summary, backend.operator, now, list(backend.statuses()), backend.engine_holder
        )

    def _incident_row(self, incident: Incident, now: datetime) -> IncidentRow:
        # Rows are rebuilt only when their incident changes or their age text would: the clock
        # ticks every second for thousands of rows, and an age in hours changes once a minute.
        cached = self._row_cache.get(incident.id)
        if cached is not None and cached[0] is incident and now < cached[2]:
            return cached[1]
        row = incident_row(incident, now)
        until = incident.created_at + next_text_change(now - incident.created_at)
        self._row_cache[incident.id] = (incident, row, until)
        return row

    def _show_incidents(self, incidents: list[Incident], now: datetime) -> None:
        pool = self.closed if self.state_filter is StateFilter.CLOSED else incidents
        admitted = [
            i
            for i in pool
            if self.state_filter.admits(i)
            and self.severity_filter.admits(i)
            and matches_search(i, self.search_text)
            and (not self.mine or i.owner == self.console.backend.operator)
        ]
        shown = [self._incident_row(i, now) for i in admitted]
        self.query_one(IncidentList).show(shown, frozenset(self.flashing))
        cache = self._row_cache
        self._rows_until = min((cache[i.id][2] for i in admitted), default=None)
        title = f"Incidents: {self.state_filter.value}"
        if self.severity_filter is not SeverityFilter.ALL:
            title += f", {self.severity_filter.value}"
        if self.mine:
            title += f", owned by {self.console.backend.operator}"
        if self.search_text:
            title += f", matching “{self.search_text}”"
        title += f"  ({len(shown)})"
        if title != self._title:
            self._title = title
            self.query_one("#incidents-title", Static).update(title)

    def _incidents_view_changed(self) -> None:
        self.render_view(sources=False, incidents=True)

    # --- which incident an action is about ------------------------------------------------------

    def find(self, incident_id: int) -> Incident | None:
        found = self.console.backend.incident(incident_id)
        if found is None:
            found = next((i for i in self.closed if i.id == incident_id), None)
        return found

    def selected_incident(self) -> Incident | None:
        incident_id = self.query_one(IncidentList).selected_id
        return None if incident_id is None else self.find(incident_id)

    def silence_target(self) -> dict[str, str] | None:
        sources = self.query_one(SourcesTable)
        if sources.has_focus:
            source = sources.selected_key
            return None if source is None else {"source": source}
        return super().silence_target()

    def acted_on(self, incident: Incident) -> None:
        """An action changed `incident`: keep the closed list in step with it."""
        if incident.state is State.CLOSED or self.state_filter is StateFilter.CLOSED:
            others = [i for i in self.closed if i.id != incident.id]
            self.closed = [incident, *others] if incident.state is State.CLOSED else others
        self.render_view(sources=False, incidents=True)

    @on(IncidentList.LayoutChanged)
    def _columns_changed(self, event: IncidentList.LayoutChanged) -> None:
        self.query_one("#incidents-header", Static).update(header_text(event.layout))

    @on(IncidentList.Opened)
    def open_incident(self, event: IncidentList.Opened) -> None:
        incident = self.find(event.incident_id)
        if incident is not None:
            self.console.open_incident(incident)

    # --- filters and search --------------------------------------------------------------------

    def action_search(self) -> None:
        def searched(text: str | None) -> None:
            if text is not None:
                self.search_text = text.strip()
                self._incidents_view_changed()

        dialog = TextDialog(
            "Search incidents",
            value=self.search_text,
            placeholder="text in title, source, check or id; empty clears",
        )
        self.app.push_screen(dialog, searched)

    def action_cycle_state(self) -> None:
        self.state_filter = self.state_filter.next()
        if self.state_filter is StateFilter.CLOSED:
            self.load_closed()
        self._incidents_view_changed()

    def action_mine(self) -> None:
        self.mine = not self.mine
        self._incidents_view_changed()

    def action_report(self) -> None:
        def reported(report: Report | None) -> None:
            if report is not None:
                self.console.report(report)

        self.app.push_screen(ReportDialog(), reported)

    def action_cycle_severity(self) -> None:
        self.severity_filter = self.severity_filter.next()
        self._incidents_view_changed()

    def action_stats(self) -> None:
        self.app.push_screen(StatsScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cycle_state", "report") and not self.console.backend.ready:
            return False
        return super().check_action(action, parameters)

    @work(exclusive=True, group="history", exit_on_error=False)
    async def load_closed(self) -> None:
        try:
            self.closed = await self.console.backend.closed_incidents(CLOSED_PAGE)
        except Unavailable as exc:
            self.notify(str(exc), title="closed incidents not loaded", severity="error")
            return
        self._incidents_view_changed()
