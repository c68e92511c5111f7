"""What the operator's keys do: act on the selected incident, filter, search, switch screens.

A mixin of `OnwatchApp`, kept apart so the app module holds the layout and the flow of engine
events to the screen, and this one the operator's side.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from onwatch.engine.errors import NotFound, StoreError
from onwatch.incidents import Incident, IncidentError, Priority, State
from onwatch.incidents.timefmt import parse_duration
from onwatch.tui.screens.dialogs import CloseDialog, PriorityDialog, SilenceDialog, TextDialog
from onwatch.tui.screens.help import HelpScreen
from onwatch.tui.screens.wall import WallScreen
from onwatch.tui.view import StateFilter
from onwatch.tui.widgets.tables import SourcesTable
from textual import work
from textual.app import SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from onwatch.tui.app import OnwatchApp

ACTION_VERBS = {
    "acknowledge": "acknowledged",
    "escalate": "escalated",
    "close": "closed",
    "reopen": "reopened",
    "note": "noted",
    "set_priority": "reprioritised",
}
CLOSED_PAGE = 500
"""Closed incidents shown at most under the `closed` filter, newest first."""


class OperatorActions:
    def action_incident(self: OnwatchApp, action: str) -> None:
        incident = self.selected_incident()
        if incident is None:
            self.notify("no incident selected", severity="warning")
            return
        self.perform(action, incident.id)

    def action_close_incident(self: OnwatchApp) -> None:
        incident = self.selected_incident()
        if incident is None:
            self.notify("no incident selected", severity="warning")
            return
        if incident.state is State.CLOSED:
            self.notify(f"incident {incident.id} is already closed", severity="warning")
            return

        def closed(note: str | None) -> None:
            if note is not None:
                self.perform("close", incident.id, note=note)

        self.push_screen(CloseDialog(incident.id, incident.title), closed)

    def action_note(self: OnwatchApp) -> None:
        incident = self.selected_incident()
        if incident is None:
            self.notify("no incident selected", severity="warning")
            return

        def noted(text: str | None) -> None:
            if text is not None:
                self.perform("note", incident.id, text)

        self.push_screen(
            TextDialog(f"Note on incident {incident.id}", placeholder="what you found or did"),
            noted,
        )

    def action_priority(self: OnwatchApp) -> None:
        incident = self.selected_incident()
        if incident is None:
            self.notify("no incident selected", severity="warning")
            return

        def picked(priority: Priority | None) -> None:
            if priority is not None:
                self.perform("set_priority", incident.id, priority)

        self.push_screen(PriorityDialog(incident.id, incident.priority), picked)

    def action_silence(self: OnwatchApp) -> None:
        """Silence the selected source (sources table) or the selected incident's check."""
        sources = self.query_one(SourcesTable)
        if self.screen is self.screen_stack[0] and sources.has_focus:
            source = sources.selected_key
            if source is None:
                return
            matchers = {"source": source}
        else:
            incident = self.selected_incident()
            if incident is None:
                self.notify("no incident or source selected", severity="warning")
                return
            matchers = {"source": incident.source, "check": incident.check}
        what = " ".join(f"{key}={value}" for key, value in matchers.items())

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                self.add_silence(matchers, *answer)

        self.push_screen(SilenceDialog(what), chosen)

    @work(group="actions", exit_on_error=False)
    async def add_silence(
        self: OnwatchApp, matchers: dict[str, str], duration: str, reason: str
    ) -> None:
        try:
            length = parse_duration(duration)
            if length <= timedelta(0):
                raise ValueError("a silence lasts longer than nothing")
            silence = await self.engine.silence(
                matchers, duration=length, reason=reason, by=self.operator
            )
        except (ValueError, IncidentError, StoreError, OSError) as exc:
            self.notify(str(exc), title="not silenced", severity="error")
            return
        self.notify(f"silence #{silence.id} until {silence.ends_at:%H:%M} UTC: {reason}")
        self.refresh_view()

    @work(group="actions", exit_on_error=False)
    async def perform(
        self: OnwatchApp, action: str, incident_id: int, *args: Any, **kwargs: Any
    ) -> None:
        try:
            change = await self.engine.act(action, incident_id, *args, **kwargs)
        except (IncidentError, NotFound) as exc:
            self.notify(str(exc), title="not done", severity="error")
            return
        except (StoreError, OSError) as exc:
            self.notify(f"could not save: {exc}", title="not done", severity="error", timeout=10)
            return
        incident = change.incident
        if incident.state is State.CLOSED or self.state_filter is StateFilter.CLOSED:
            self._replace_closed(incident)
        self.notify(f"incident {incident.id} {ACTION_VERBS[action]} by {self.operator}")
        self.refresh_view()

    def _replace_closed(self: OnwatchApp, incident: Incident) -> None:
        others = [i for i in self.closed if i.id != incident.id]
        self.closed = [incident, *others] if incident.state is State.CLOSED else others

    def action_search(self: OnwatchApp) -> None:
        def searched(text: str | None) -> None:
            if text is not None:
                self.search_text = text.strip()
                self._incidents_view_changed()

        self.push_screen(
            TextDialog(
                "Search incidents",
                value=self.search_text,
                placeholder="text in title, source, check or id; empty clears",
            ),
            searched,
        )

    def action_cycle_state(self: OnwatchApp) -> None:
        self.state_filter = self.state_filter.next()
        if self.state_filter is StateFilter.CLOSED:
            self.load_closed()
        self._incidents_view_changed()

    def action_cycle_severity(self: OnwatchApp) -> None:
        self.severity_filter = self.severity_filter.next()
        self._incidents_view_changed()

    @work(exclusive=True, group="history", exit_on_error=False, thread=True)
    def load_closed(self: OnwatchApp) -> None:
        newest_first = []
        for incident in self.engine.store.archived():
            newest_first.append(incident)
            if len(newest_first) >= CLOSED_PAGE:
                break
        newest_first.sort(key=lambda i: i.closed_at or i.created_at, reverse=True)
        self.call_from_thread(self._closed_loaded, newest_first)

    def _closed_loaded(self: OnwatchApp, incidents: list[Incident]) -> None:
        self.closed = incidents
        self._incidents_view_changed()

    def action_wall(self: OnwatchApp) -> None:
        if isinstance(self.screen, WallScreen):
            self.pop_screen()
            # The tables were not kept up to date behind the wall.
            self._changed(sources=True, incidents=True)
        else:
            self.push_screen(WallScreen())
            self.call_after_refresh(self.refresh_view)

    def action_help(self: OnwatchApp) -> None:
        self.push_screen(HelpScreen())

    # --- command palette ----------------------------------------------------------------------

    def get_system_commands(self: OnwatchApp, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)  # type: ignore[misc]
        commands = [
            (
                "Acknowledge incident",
                "Acknowledge the selected incident (a)",
                lambda: self.action_incident("acknowledge"),
            ),
            (
                "Escalate incident",
                "Escalate the selected incident (e)",
                lambda: self.action_incident("escalate"),
            ),
            (
                "Close incident",
                "Close the selected incident, with a note (c)",
                self.action_close_incident,
            ),
            ("Note on incident", "Add a note to the selected incident (n)", self.action_note),
            (
                "Reopen incident",
                "Reopen the selected incident (r)",
                lambda: self.action_incident("reopen"),
            ),
            (
                "Change priority",
                "Change the selected incident's priority (p)",
                self.action_priority,
            ),
            (
                "Silence",
                "Silence the selected incident's check, or the selected source (s)",
                self.action_silence,
            ),
            ("Search incidents", "Filter incidents by text (/)", self.action_search),
            (
                "Cycle state filter",
                "open, triggered, acknowledged, resolved, closed (f)",
                self.action_cycle_state,
            ),
            (
                "Cycle severity filter",
                "all, critical, warning and worse (v)",
                self.action_cycle_severity,
            ),
            ("Wall mode", "Big tiles for a NOC screen (w)", self.action_wall),
            ("Help", "Every key (?)", self.action_help),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)
