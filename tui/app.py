"""The operator's console: sources, open incidents, and two keystrokes to act on any of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from onwatch.incidents import Event, Incident
from onwatch.incidents.timefmt import format_duration
from onwatch.tui.actions import OperatorActions
from onwatch.tui.messages import EngineChanged
from onwatch.tui.screens.incident import IncidentScreen
from onwatch.tui.screens.wall import WallScreen
from onwatch.tui.settings import ConsoleSettings, load_settings, save_settings
from onwatch.tui.view import (
    IncidentRow,
    SeverityFilter,
    SourceRow,
    StateFilter,
    incident_row,
    kind_of,
    matches_search,
    source_rows,
    spark_metric,
    summarize,
)
from onwatch.tui.widgets.incident_list import IncidentList, header_text
from onwatch.tui.widgets.status_bar import StatusBar
from onwatch.tui.widgets.tables import SourcesTable
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from onwatch.engine import Engine, EngineEvent

CLOCK_SECONDS = 1.0
SOURCES_REFRESH_SECONDS = 0.5
FLASH_SECONDS = 2.0

PAGING_EVENTS = frozenset({Event.OPENED, Event.REOPENED, Event.ESCALATED, Event.UPGRADED})


class OnwatchApp(OperatorActions, App[None]):
    TITLE = "onwatch"
    CSS_PATH = "onwatch.tcss"
    BINDINGS: ClassVar = [
        Binding("a", "incident('acknowledge')", "Ack", id="acknowledge"),
        Binding("e", "incident('escalate')", "Escalate", id="escalate"),
        Binding("c", "close_incident", "Close", id="close"),
        Binding("n", "note", "Note", id="note"),
        Binding("r", "incident('reopen')", "Reopen", id="reopen"),
        Binding("p", "priority", "Priority", id="priority"),
        Binding("s", "silence", "Silence", id="silence"),
        Binding("slash", "search", "Search", id="search"),
        Binding("f", "cycle_state", "Filter", id="filter-state"),
        Binding("v", "cycle_severity", "Severity", show=False, id="filter-severity"),
        Binding("w", "wall", "Wall", id="wall"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    INCIDENT_ACTIONS: ClassVar = frozenset(
        {"incident", "close_incident", "note", "priority", "silence"}
    )

    def __init__(
        self,
        engine: Engine | Callable[[], Engine],
        *,
        operator: str,
        clock: Callable[[], datetime],
        runbooks: Mapping[str, str] | None = None,
        settings_path: Path | None = None,
        wall: bool = False,
        bell: bool = False,
        autostart: bool = True,
    ) -> None:
        """`engine` may be a factory: it is then built in a thread after the first frame, so
        the console shows up before the engine's imports and connections are ready."""
        super().__init__()
        self._engine_factory = engine if callable(engine) else None
        self.engine: Engine = None if callable(engine) else engine  # type: ignore[assignment]
        self.operator = operator
        self.clock = clock
        self.runbooks = dict(runbooks or {})
        self.settings_path = settings_path
        self.settings: ConsoleSettings = load_settings(settings_path)
        self.start_in_wall = wall
        self.bell_on_page = bell
        self.autostart = autostart
        self.state_filter = StateFilter.OPEN
        self.severity_filter = SeverityFilter.ALL
        self.search_text = ""
        self.closed: list[Incident] = []
        self.flashing: dict[str, datetime] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self._stale_sources = True
        self._stale_incidents = True
        self._sources_refresh_pending = False
        self._rows: list[SourceRow] = []
        self._row_cache: dict[int, tuple[Incident, IncidentRow]] = {}

    # --- layout --------------------------------------------------------------------------------

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
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.query_one(IncidentList).focus()
        self.set_interval(CLOCK_SECONDS, self._tick)
        self.refresh_view()
        if self.start_in_wall:
            self.action_wall()

    def on_ready(self) -> None:
        # After the first frame: the operator sees the console before anything is loaded.
        if self._engine_factory is not None:
            self.build_engine()
        else:
            self._engine_ready()

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def build_engine(self) -> None:
        try:
            engine = self._engine_factory()  # type: ignore[misc]
        except Exception as exc:
            # No engine, no console: leave with the reason rather than sit at "starting".
            self.call_from_thread(self.exit, return_code=1, message=f"onwatch: {exc}")
            return
        self.call_from_thread(self._engine_built, engine)

    def _engine_built(self, engine: Engine) -> None:
        self.engine = engine
        self._engine_ready()

    def _engine_ready(self) -> None:
        self._unsubscribe = self.engine.subscribe(self._on_engine_event)
        if self.autostart:
            self.start_engine()
        else:
            self.load_incidents()

    @work(exclusive=True, group="engine", exit_on_error=False)
    async def start_engine(self) -> None:
        # Incidents first: what is already open matters more than the checks starting up.
        await self.engine.reload()
        self._changed(sources=True, incidents=True, at_once=True)
        await self.engine.start()
        self._changed(sources=True, incidents=True, at_once=True)

    @work(exclusive=True, group="engine", exit_on_error=False)
    async def load_incidents(self) -> None:
        """Show what the store holds without running any check (tests, snapshots)."""
        await self.engine.reload()
        self._changed(sources=True, incidents=True, at_once=True)

    async def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.autostart and self.engine is not None:
            await self.engine.stop()

    # --- engine -> screen ----------------------------------------------------------------------

    def _on_engine_event(self, event: EngineEvent) -> None:
        from onwatch.engine.events import CheckRan, IncidentChanged, StatusChanged

        if isinstance(event, CheckRan):
            self._changed(sources=True)
            return
        if isinstance(event, IncidentChanged):
            change = event.change
            if change.event in PAGING_EVENTS:
                self._page_operator(change.incident, change.event)
        elif isinstance(event, StatusChanged) and event.text:
            self.notify(event.text, title="onwatch", severity="warning", timeout=8)
        self._changed(sources=True, incidents=True)

    def _changed(
        self, *, sources: bool = False, incidents: bool = False, at_once: bool = False
    ) -> None:
        if incidents:
            self._stale_incidents = True
            # Coalesced: however many events arrive, one refresh is pending at a time.
            self.post_message(EngineChanged())
        if sources:
            if at_once or not self._rows:
                self._stale_sources = True
                self.post_message(EngineChanged())
            elif not self._sources_refresh_pending:
                # Checks report many times a second across hundreds of sources; their rows
                # are redrawn a few times a second, never at the cost of the operator's keys.
                self._sources_refresh_pending = True
                self.set_timer(SOURCES_REFRESH_SECONDS, self._sources_due)

    def _sources_due(self) -> None:
        self._sources_refresh_pending = False
        self._stale_sources = True
        self.post_message(EngineChanged())

    def _page_operator(self, incident: Incident, event: Event) -> None:
        key = str(incident.id)
        self.flashing[key] = self.clock()
        self.set_timer(FLASH_SECONDS, self._tick)
        severity = "error" if incident.severity.value == "critical" else "warning"
        self.notify(
            f"#{incident.id} {incident.title}",
            title=f"{event.value}: {incident.severity.value} {incident.check}",
            severity=severity,
        )
        if self.bell_on_page:
            self.bell()

    @on(EngineChanged)
    def refresh_view(self) -> None:
        """Redraw what changed since the last refresh (the header always: it has the clock)."""
        sources, self._stale_sources = self._stale_sources, False
        incidents, self._stale_incidents = self._stale_incidents, False
        self._render(sources=sources, incidents=incidents)

    def _render(self, *, sources: bool, incidents: bool) -> None:
        try:
            status_bar = self.query_one(StatusBar)
        except NoMatches:
            return  # a timer that fired while the console shuts down
        now = self.clock()
        if self.engine is None:
            status_bar.starting(self.operator, now)
            return
        self.flashing = {
            k: at for k, at in self.flashing.items() if (now - at).total_seconds() < FLASH_SECONDS
        }
        open_incidents = list(self.engine.incidents.values())
        if sources or not self._rows:
            self._rows = self._source_rows(open_incidents)
        summary = summarize(
            open_incidents, (r.status for r in self._rows), self.engine.last_poll, now
        )
        notes = list(self.engine.status.values())
        status_bar.show(summary, self.operator, now, notes)
        screen = self.screen
        if isinstance(screen, WallScreen):
            screen.show(self._rows, summary, now)
            return
        with self.batch_update():
            if sources:
                self.query_one(SourcesTable).show(self._rows)
            if incidents:
                self._show_incidents(open_incidents, now)
        if isinstance(screen, IncidentScreen):
            current = self._find(screen.incident.id)
            if current is not None:
                screen.show(current, now)

    def _source_rows(self, incidents: list[Incident]) -> list[SourceRow]:
        watches = self.engine.settings.watches
        history = self.engine.history
        latest = {w.source: history.latest_for(w.source) for w in watches}
        trends = {w.source: history.values(w.source, spark_metric(kind_of(w))) for w in watches}
        return source_rows(watches, incidents, latest, trends)

    def _incident_row(self, incident: Incident, now: datetime) -> IncidentRow:
        # Rows are rebuilt only when their incident or its age text changes: the age ticks
        # every second for hundreds of rows, and everything else rarely.
        cached = self._row_cache.get(incident.id)
        if cached is not None and cached[0] is incident:
            row = cached[1]
            if row.cells[5] == format_duration(now - incident.created_at):
                return row
        row = incident_row(incident, now)
        self._row_cache[incident.id] = (incident, row)
        return row

    def _show_incidents(self, incidents: list[Incident], now: datetime) -> None:
        pool = self.closed if self.state_filter is StateFilter.CLOSED else incidents
        shown = [
            self._incident_row(i, now)
            for i in pool
            if self.state_filter.admits(i)
            and self.severity_filter.admits(i)
            and matches_search(i, self.search_text)
        ]
        self.query_one(IncidentList).show(shown, frozenset(self.flashing))
        title = f"Incidents: {self.state_filter.value}"
        if self.severity_filter is not SeverityFilter.ALL:
            title += f", {self.severity_filter.value}"
        if self.search_text:
            title += f", matching “{self.search_text}”"
        title += f"  ({len(shown)})"
        self.query_one("#incidents-title", Static).update(title)

    def _tick(self) -> None:
        """The clock and the ages move on; values come with the engine's own events."""
        self._render(sources=False, incidents=True)

    def _incidents_view_changed(self) -> None:
        """A filter or search changed: only the incidents table needs redrawing."""
        self._render(sources=False, incidents=True)

    # --- which incident an action is about ------------------------------------------------------

    def _find(self, incident_id: int) -> Incident | None:
        if self.engine is None:
            return None
        found = self.engine.incidents.get(incident_id)
        if found is None:
            found = next((i for i in self.closed if i.id == incident_id), None)
        return found

    def selected_incident(self) -> Incident | None:
        if isinstance(self.screen, IncidentScreen):
            return self._find(self.screen.incident.id) or self.screen.incident
        incident_id = self.query_one(IncidentList).selected_id
        return None if incident_id is None else self._find(incident_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.engine is None and action in self.INCIDENT_ACTIONS | {"cycle_state"}:
            return False  # still starting: nothing to act on yet
        # Wall mode and dialogs change nothing: incident actions are off there.
        if action in self.INCIDENT_ACTIONS or action in {"search", "cycle_state", "cycle_severity"}:
            return isinstance(self.screen, IncidentScreen) or self.screen is self.screen_stack[0]
        if action == "wall":
            return isinstance(self.screen, WallScreen) or self.screen is self.screen_stack[0]
        return True

    @on(IncidentList.Opened)
    def open_incident(self, event: IncidentList.Opened) -> None:
        incident = self._find(event.incident_id)
        if incident is not None:
            self.push_screen(
                IncidentScreen(incident, self.clock(), self.runbooks.get(incident.check))
            )

    def _remember_theme(self, theme: Any) -> None:
        self.settings.theme = theme.name
        self._save_settings()

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def _save_settings(self) -> None:
        save_settings(self.settings_path, self.settings)
