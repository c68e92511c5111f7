"""The operator's console: sources, open incidents, and two keystrokes to act on any of them.

The app holds the console backend and nothing else of onwatch's: it starts the backend after the
first frame, turns the backend's changes into coalesced redraws of the screen on top, pages the
operator on new and escalated incidents, and runs the actions the screens ask for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding

from onwatch.engine.api import (
    BackendEvent,
    ConsoleBackend,
    IncidentUpdate,
    NotFound,
    SamplesUpdate,
    StatusUpdate,
    Unavailable,
)
from onwatch.incidents import Event, Incident, IncidentError
from onwatch.incidents.timefmt import parse_duration
from onwatch.tui.commands import BindingCommands
from onwatch.tui.messages import BackendChanged
from onwatch.tui.postmortem_file import write_postmortem
from onwatch.tui.screens.help import HelpScreen
from onwatch.tui.screens.incident import IncidentScreen
from onwatch.tui.screens.main import MainScreen
from onwatch.tui.screens.people_dialogs import Report, RoleDialog
from onwatch.tui.screens.wall import WallScreen
from onwatch.tui.settings import ConsoleSettings, load_settings, save_settings

SOURCES_REFRESH_SECONDS = 0.5

SOURCES_SHARE = 0.1
"""Redrawing the sources may take at most this share of the console's time: with a thousand
sources one redraw costs tens of milliseconds, and waiting ten times that between two keeps
the keys answered."""


PAGING_EVENTS = frozenset({Event.OPENED, Event.REOPENED, Event.ESCALATED, Event.UPGRADED})


class OnwatchApp(App[None]):
    TITLE = "onwatch"
    CSS_PATH = "onwatch.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {BindingCommands}
    BINDINGS: ClassVar = [
        Binding("question_mark", "help", "Help", tooltip="Every key and what it does", id="help"),
        Binding("q", "quit", "Quit", tooltip="Leave the console", id="quit"),
    ]

    def __init__(
        self,
        backend: ConsoleBackend,
        *,
        clock: Callable[[], datetime],
        settings_path: Path | None = None,
        wall: bool = False,
        bell: bool = False,
        export_dir: Path | None = None,
    ) -> None:
        """`export_dir`: where `x` writes postmortems (default: the current directory)."""
        super().__init__()
        self.export_dir = export_dir
        self.backend = backend
        self.clock = clock
        self.settings_path = settings_path
        self.settings: ConsoleSettings = load_settings(settings_path)
        self.start_in_wall = wall
        self.bell_on_page = bell
        self.main = MainScreen()
        self._unsubscribe: Callable[[], None] | None = None
        self._stale_sources = True
        self._stale_incidents = True
        self._sources_refresh_pending = False
        self.sources_redraw_seconds = 0.0
        """How long the last redraw of the sources took (the screen measures it)."""

    @property
    def operator(self) -> str:
        return self.backend.operator

    def get_default_screen(self) -> MainScreen:
        return self.main

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.start_in_wall:
            self.action_wall()

    def on_ready(self) -> None:
        # After the first frame: the operator sees the console before anything is loaded.
        self._unsubscribe = self.backend.subscribe(self._on_backend_event)
        self.start_backend()

    @work(exclusive=True, group="backend", exit_on_error=False)
    async def start_backend(self) -> None:
        try:
            await self.backend.start()
        except Exception as exc:
            # No backend, no console: leave with the reason rather than sit at "starting".
            self.exit(return_code=1, message=f"onwatch: {exc}")
            return
        self._changed(sources=True, incidents=True, at_once=True)

    async def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self.backend.stop()

    # --- backend -> screen ---------------------------------------------------------------------

    def _on_backend_event(self, event: BackendEvent) -> None:
        if isinstance(event, SamplesUpdate):
            self._changed(sources=True)
            return
        if isinstance(event, IncidentUpdate) and event.event in PAGING_EVENTS:
            self._page_operator(event.incident, event.event)
        elif isinstance(event, StatusUpdate) and event.text:
            self.notify(event.text, title="onwatch", severity="warning", timeout=8)
        self._changed(sources=True, incidents=True)

    def _changed(
        self, *, sources: bool = False, incidents: bool = False, at_once: bool = False
    ) -> None:
        if incidents:
            self._stale_incidents = True
            # Coalesced: however many events arrive, one redraw is pending at a time.
            self.screen.post_message(BackendChanged())
        if sources:
            if at_once or not self.main.rows:
                self._stale_sources = True
                self.screen.post_message(BackendChanged())
            elif not self._sources_refresh_pending:
                # Checks report many times a second across hundreds of sources; their rows
                # are redrawn a few times a second, never at the cost of the operator's keys.
                self._sources_refresh_pending = True
                wait = max(SOURCES_REFRESH_SECONDS, self.sources_redraw_seconds / SOURCES_SHARE)
                self.set_timer(wait, self._sources_due)

    def _sources_due(self) -> None:
        self._sources_refresh_pending = False
        self._stale_sources = True
        if not self.screen_stack:
            return  # the timer fired while the app was shutting down
        self.screen.post_message(BackendChanged())

    def take_changes(self) -> tuple[bool, bool]:
        """What changed since the last redraw (sources, incidents); the asker redraws it."""
        changes = (self._stale_sources, self._stale_incidents)
        self._stale_sources = self._stale_incidents = False
        return changes

    def _page_operator(self, incident: Incident, event: Event) -> None:
        self.main.flash(incident.id)
        severity = "error" if incident.severity.value == "critical" else "warning"
        self.notify(
            f"#{incident.id} {incident.title}",
            title=f"{event.value}: {incident.severity.value} {incident.check}",
            severity=severity,
        )
        if self.bell_on_page:
            self.bell()

    # --- what the screens ask for --------------------------------------------------------------

    def act(
        self,
        incident_id: int,
        verb: str,
        action: Callable[..., Awaitable[Incident]],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Run a backend action on an incident in a worker and say how it went."""
        self.run_worker(
            self._act(incident_id, verb, action, *args, **kwargs),
            group="actions",
            exit_on_error=False,
        )

    async def _act(
        self,
        incident_id: int,
        verb: str,
        action: Callable[..., Awaitable[Incident]],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        try:
            incident = await action(incident_id, *args, **kwargs)
        except (IncidentError, NotFound) as exc:
            self.notify(str(exc), title="not done", severity="error")
            return
        except Unavailable as exc:
            self.notify(str(exc), title="not done", severity="error", timeout=10)
            return
        self.main.acted_on(incident)
        if isinstance(self.screen, IncidentScreen) and self.screen.incident.id == incident.id:
            self.screen.show(incident, self.clock())
        self.notify(f"incident {incident.id} {verb} by {self.operator}")

    @work(group="actions", exit_on_error=False)
    async def add_silence(self, matchers: Mapping[str, str], duration: str, reason: str) -> None:
        try:
            length = parse_duration(duration)
            if length <= timedelta(0):
                raise ValueError("a silence lasts longer than nothing")
            silence = await self.backend.silence(matchers, duration=length, reason=reason)
        except (ValueError, IncidentError, Unavailable) as exc:
            self.notify(str(exc), title="not silenced", severity="error")
            return
        self.notify(f"silence #{silence.id} until {silence.ends_at:%H:%M} UTC: {reason}")
        self._changed(sources=True, incidents=True, at_once=True)

    @work(group="actions", exit_on_error=False)
    async def report(self, report: Report) -> None:
        known = {i.id for i in self.backend.incidents()}
        try:
            incident = await self.backend.open_report(
                report.title,
                severity=report.severity,
                source=report.source,
                description=report.description,
            )
        except (IncidentError, Unavailable) as exc:
            self.notify(str(exc), title="not reported", severity="error")
            return
        self.main.acted_on(incident)
        if incident.id in known:
            self.notify(f"added to #{incident.id} ({incident.reports} reports): {incident.title}")
        else:
            self.notify(f"incident #{incident.id} opened: {incident.title}")

    @work(group="actions", exit_on_error=False)
    async def export_postmortem(self, incident_id: int) -> None:
        """Write the postmortem to `postmortem-ID.md` in the export directory, off the loop."""
        try:
            text = await self.backend.postmortem(incident_id)
            folder = self.export_dir or Path.cwd()
            path = await asyncio.to_thread(write_postmortem, folder, incident_id, text)
        except (IncidentError, NotFound, Unavailable, OSError) as exc:
            self.notify(str(exc), title="postmortem not written", severity="error")
            return
        self.notify(f"postmortem of incident {incident_id} written to {path}")

    @work(group="actions", exit_on_error=False)
    async def hand_over(self, incident_id: int) -> None:
        try:
            roles = list(await self.backend.roles())
        except (IncidentError, Unavailable) as exc:
            self.notify(str(exc), title="roles not loaded", severity="error")
            return
        if not roles:
            self.notify(
                "no roles configured: add a [roles] section to hand incidents over",
                severity="warning",
            )
            return

        def picked(role: str | None) -> None:
            if role is not None:
                verb = f"handed over to {role}"
                self.act(incident_id, verb, self.backend.hand_over, role)

        self.push_screen(RoleDialog(incident_id, roles), picked)

    def open_incident(self, incident: Incident) -> None:
        self.push_screen(IncidentScreen(incident, self.backend.runbook(incident)))

    def action_wall(self) -> None:
        if isinstance(self.screen, WallScreen):
            self.pop_screen()
        else:
            self.push_screen(WallScreen())

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.main))

    def _remember_theme(self, theme: Any) -> None:
        self.settings.theme = theme.name
        self._save_settings()

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def _save_settings(self) -> None:
        save_settings(self.settings_path, self.settings)
