"""Where a script's incidents and silences come from: the local store or an onwatch server.

Each command has one code path: it asks an `Incidents` or `Silences` for what it shows and
renders the answer the same way, whichever implementation is behind it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.engine.history_report import export_lines, stats_of
from onwatch.incidents import Category, Incident, InvalidInput, Severity, State
from onwatch.incidents.changes import RecordedChange
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.people import REPORTED_SOURCE, Assignment
from onwatch.incidents.silences import Silence
from onwatch.incidents.timefmt import parse_duration
from onwatch.store import SilenceNotFound

if TYPE_CHECKING:
    from onwatch.cli.remote import RemoteClient


class Incidents(Protocol):
    def list_incidents(
        self, state: str, *, mine: bool = False, page: Page | None = None
    ) -> list[Incident]:
        """`state` as `incidents list --state` takes it: open, all, or one state's name;
        `mine`: only those owned by whoever asks (the operator, or the token's name);
        `page`: only the newest `limit` (opened within `since`, ids below `before`)."""
        ...

    def stats(self, since: str | None, *, include_drills: bool = False) -> dict[str, Any]:
        """`incidents.stats.compute`'s figures; `since` a duration back from now ("30d")."""
        ...

    def export(self, fmt: str, since: str | None, *, include_drills: bool = False) -> Iterator[str]:
        """The export's lines (csv or json), as they come."""
        ...

    def show(self, incident_id: int) -> Incident: ...

    def act(
        self, verb: str, incident_id: int, *, note: str = "", text: str = "", priority: str = ""
    ) -> Incident:
        """`verb`: ack, escalate, close, reopen, note (with `text`), priority."""
        ...

    def open_report(self, report: Report) -> Incident:
        """A new incident, or the one the report was added to (its `reports` count says)."""
        ...

    def assign(self, incident_id: int, name: str, *, as_: Assignment) -> Incident: ...

    def hand_over(self, incident_id: int, role: str, *, note: str = "") -> Incident: ...

    def feedback(self, incident_id: int, rating: int, *, comment: str = "") -> Incident: ...

    # --- diagnosis and review --------------------------------------------------------------

    def context(self, incident: Incident) -> IncidentContext:
        """Its checklist, the changes near it, what fixed it last time."""
        ...

    def check(self, incident_id: int, number: int, *, undo: bool = False) -> Incident: ...

    def review(
        self, incident_id: int, *, root_cause: str | None, actions: Sequence[str]
    ) -> Incident: ...

    def postmortem(self, incident_id: int) -> str:
        """The incident's postmortem as Markdown."""
        ...


class Changes(Protocol):
    def add_change(self, text: str, *, source: str = "") -> RecordedChange: ...

    def list_changes(self, since: datetime | None) -> list[RecordedChange]:
        """Oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class Page:
    """Which part of a long list: the newest `limit`, opened within `since`, ids below `before`."""

    limit: int | None = None
    since: str | None = None
    before: int | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """What `incidents open` was told, as `POST /v1/incidents` takes it."""

    title: str
    severity: Severity = Severity.WARNING
    category: Category = Category.REPORTED
    source: str = REPORTED_SOURCE
    description: str = ""
    reporter: str | None = None


class Silences(Protocol):
    def add(self, matchers: dict[str, str], *, duration: timedelta, reason: str) -> Silence: ...

    def list_silences(self, *, everything: bool, now: datetime) -> list[Silence]: ...

    def expire(self, silence_id: int) -> Silence: ...


def incidents_for(ctx: Context) -> Incidents:
    remote = _remote(ctx)
    return LocalIncidents(ctx) if remote is None else remote


def changes_for(ctx: Context) -> Changes:
    remote = _remote(ctx)
    return LocalChanges(ctx) if remote is None else remote


def silences_for(ctx: Context) -> Silences:
    remote = _remote(ctx)
    return LocalSilences(ctx) if remote is None else remote


def _remote(ctx: Context) -> RemoteClient | None:
    url = getattr(ctx.args, "connect", None)
    if url is None:
        return None
    if getattr(ctx.args, "by", None):
        raise CliError(
            "--by cannot be used with --connect: the server records the token's name as who acted",
            Exit.USAGE,
        )
    # Imported only with --connect: listing local incidents never loads httpx.
    from onwatch.cli.remote import RemoteClient, token_from

    return RemoteClient(url, token_from(ctx))


def states(choice: str) -> set[State]:
    if choice == "all":
        return set(State)
    if choice == "open":
        return {s for s in State if s.is_open}
    return {State(choice)}


class LocalIncidents:
    """The store and the operations API of this machine."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def list_incidents(
        self, state: str, *, mine: bool = False, page: Page | None = None
    ) -> list[Incident]:
        if page is None:
            found = self.ctx.store.list(states(state))
        else:
            found = self.ctx.store.page(
                states(state),
                limit=page.limit,
                since=None if page.since is None else self.ctx.clock() - parse_duration(page.since),
                before=page.before,
            )
        if not mine:
            return found
        me = self.ctx.needs("operator").operator
        return [i for i in found if i.owner == me]

    def show(self, incident_id: int) -> Incident:
        return self.ctx.store.get(incident_id)

    def stats(self, since: str | None, *, include_drills: bool = False) -> dict[str, Any]:
        now = self.ctx.clock()
        start = None if since is None else now - parse_duration(since)
        return stats_of(self.ctx.store, now=now, since=start, include_drills=include_drills)

    def export(self, fmt: str, since: str | None, *, include_drills: bool = False) -> Iterator[str]:
        start = None if since is None else self.ctx.clock() - parse_duration(since)
        return export_lines(self.ctx.store, fmt, since=start, include_drills=include_drills)

    def act(
        self, verb: str, incident_id: int, *, note: str = "", text: str = "", priority: str = ""
    ) -> Incident:
        ops = self.ctx.operations
        by = getattr(self.ctx.args, "by", None)
        if verb == "note":
            return ops.note(incident_id, text, by=by).incident
        if verb == "priority":
            return ops.set_priority(incident_id, priority, by=by, note=note).incident
        method = {
            "ack": ops.acknowledge,
            "escalate": ops.escalate,
            "close": ops.close,
            "reopen": ops.reopen,
        }[verb]
        return method(incident_id, by=by, note=note).incident

    def open_report(self, report: Report) -> Incident:
        return self.ctx.operations.open_report(
            report.title,
            severity=report.severity,
            category=report.category,
            source=report.source,
            description=report.description,
            reporter=report.reporter,
            by=self._by(),
        ).incident

    def assign(self, incident_id: int, name: str, *, as_: Assignment) -> Incident:
        return self.ctx.operations.assign(incident_id, name, as_=as_, by=self._by()).incident

    def hand_over(self, incident_id: int, role: str, *, note: str = "") -> Incident:
        ops = self.ctx.operations
        return ops.hand_over(incident_id, role, by=self._by(), note=note).incident

    def feedback(self, incident_id: int, rating: int, *, comment: str = "") -> Incident:
        ops = self.ctx.operations
        return ops.feedback(incident_id, rating, comment=comment, by=self._by()).incident

    def context(self, incident: Incident) -> IncidentContext:
        return self.ctx.operations.context(incident)

    def check(self, incident_id: int, number: int, *, undo: bool = False) -> Incident:
        ops = self.ctx.operations
        return ops.check(incident_id, number, undo=undo, by=self._by()).incident

    def review(
        self, incident_id: int, *, root_cause: str | None, actions: Sequence[str]
    ) -> Incident:
        ops = self.ctx.operations
        return ops.review(
            incident_id, root_cause=root_cause, actions=actions, by=self._by()
        ).incident

    def postmortem(self, incident_id: int) -> str:
        return self.ctx.operations.postmortem(incident_id)

    def _by(self) -> str | None:
        return getattr(self.ctx.args, "by", None)


class LocalChanges:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def add_change(self, text: str, *, source: str = "") -> RecordedChange:
        by = getattr(self.ctx.args, "by", None)
        return self.ctx.operations.record_change(text, source=source, by=by)

    def list_changes(self, since: datetime | None) -> list[RecordedChange]:
        return self.ctx.changes.list(since)


class LocalSilences:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def add(self, matchers: dict[str, str], *, duration: timedelta, reason: str) -> Silence:
        by = getattr(self.ctx.args, "by", None)
        return self.ctx.operations.silence(matchers, duration=duration, reason=reason, by=by)

    def list_silences(self, *, everything: bool, now: datetime) -> list[Silence]:
        store = self.ctx.silences
        return store.list() if everything else store.active(now)

    def expire(self, silence_id: int) -> Silence:
        try:
            return self.ctx.operations.expire_silence(silence_id)
        except SilenceNotFound as exc:
            raise CliError(str(exc), Exit.NOT_FOUND) from None
        except InvalidInput as exc:
            # The store raises InvalidInput here only when the silence has already ended.
            raise CliError(str(exc), Exit.NOT_ALLOWED) from None
