"""The keys that act on one incident, shared by the screens that show one (the list, the detail).

Each screen says which incident it is about (`selected_incident`) and what a silence would mute
(`silence_target`); the actions ask for what they need in a dialog and hand the work to the
app, which runs it through the console backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding
from textual.screen import Screen

from onwatch.incidents import Incident, Priority, State
from onwatch.tui.screens.dialogs import CloseDialog, PriorityDialog, SilenceDialog, TextDialog
from onwatch.tui.screens.people_dialogs import AssignDialog

if TYPE_CHECKING:
    from onwatch.tui.app import OnwatchApp

INCIDENT_ACTIONS = frozenset(
    {
        "acknowledge",
        "escalate",
        "close",
        "note",
        "reopen",
        "priority",
        "silence",
        "assign",
        "hand_over",
    }
)


class ActingScreen(Screen[None]):
    BINDINGS: ClassVar = [
        Binding("a", "acknowledge", "Ack", tooltip="Acknowledge the selected incident", id="acknowledge"),
        Binding("e", "escalate", "Escalate", tooltip="Fire the next escalation step now", id="escalate"),
        Binding("c", "close", "Close", tooltip="Close the selected incident (asks first; optional note)", id="close"),
        Binding("n", "note", "Note", tooltip="Add a note to the selected incident's timeline", id="note"),
        Binding("r", "reopen", "Reopen", tooltip="Reopen a resolved or closed incident", id="reopen"),
        Binding("p", "priority", "Priority", tooltip="Change the selected incident's priority (1-5)", id="priority"),
        Binding("s", "silence", "Silence", tooltip="Silence the selected incident's check, or the selected source", id="silence"),
        Binding("g", "assign", "Assign", tooltip="Assign the selected incident: its owner or its incident manager", id="assign"),
        Binding("h", "hand_over", "Hand over", tooltip="Hand the selected incident over to a role (IT support, ...)", id="hand-over"),
    ]  # fmt: skip

    @property
    def console(self) -> OnwatchApp:
        return self.app  # type: ignore[return-value]

    def selected_incident(self) -> Incident | None:
        raise NotImplementedError

    def silence_target(self) -> dict[str, str] | None:
        """What `s` mutes: the selected incident's check, unless a screen knows better."""
        incident = self.selected_incident()
        return None if incident is None else {"source": incident.source, "check": incident.check}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Still starting: nothing to act on yet.
        return action not in INCIDENT_ACTIONS or self.console.backend.ready

    def _chosen(self) -> Incident | None:
        incident = self.selected_incident()
        if incident is None:
            self.notify("no incident selected", severity="warning")
        return incident

    def action_acknowledge(self) -> None:
        if incident := self._chosen():
            self.console.act(incident.id, "acknowledged", self.console.backend.acknowledge)

    def action_escalate(self) -> None:
        if incident := self._chosen():
            self.console.act(incident.id, "escalated", self.console.backend.escalate)

    def action_reopen(self) -> None:
        if incident := self._chosen():
            self.console.act(incident.id, "reopened", self.console.backend.reopen)

    def action_close(self) -> None:
        incident = self._chosen()
        if incident is None:
            return
        if incident.state is State.CLOSED:
            self.notify(f"incident {incident.id} is already closed", severity="warning")
            return

        def closed(note: str | None) -> None:
            if note is not None:
                self.console.act(incident.id, "closed", self.console.backend.close, note=note)

        self.app.push_screen(CloseDialog(incident.id, incident.title), closed)

    def action_note(self) -> None:
        incident = self._chosen()
        if incident is None:
            return

        def noted(text: str | None) -> None:
            if text is not None:
                self.console.act(incident.id, "noted", self.console.backend.note, text)

        dialog = TextDialog(f"Note on incident {incident.id}", placeholder="what you found or did")
        self.app.push_screen(dialog, noted)

    def action_priority(self) -> None:
        incident = self._chosen()
        if incident is None:
            return

        def picked(priority: Priority | None) -> None:
            if priority is not None:
                backend = self.console.backend
                self.console.act(incident.id, "reprioritised", backend.set_priority, priority)

        self.app.push_screen(PriorityDialog(incident.id, incident.priority), picked)

    def action_silence(self) -> None:
        matchers = self.silence_target()
        if matchers is None:
            self.notify("no incident or source selected", severity="warning")
            return
        what = " ".join(f"{key}={value}" for key, value in matchers.items())

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                self.console.add_silence(matchers, *answer)

        self.app.push_screen(SilenceDialog(what), chosen)

    def action_assign(self) -> None:
        incident = self._chosen()
        if incident is None:
            return

        def assigned(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                name, as_ = answer
                what = "owner" if as_ == "owner" else "incident manager"
                backend = self.console.backend
                verb = f"assigned to {name} ({what})"
                self.console.act(incident.id, verb, backend.assign, name, as_=as_)

        self.app.push_screen(AssignDialog(incident.id, self.console.backend.operator), assigned)

    def action_hand_over(self) -> None:
        if incident := self._chosen():
            # The roles may come over the network: the app asks in a worker, then the picker.
            self.console.hand_over(incident.id)
