"""The scripts over the HTTP API (`--connect URL`): a small synchronous client.

Answers become the same incidents and silences the local store gives, so the commands render
them the same way; failures become one line and the exit code the API's status calls for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from onwatch.cli.backends import Page, Report
from onwatch.cli.context import Context
from onwatch.cli.errors import CliError, Exit
from onwatch.cli.reload_command import outcome_of
from onwatch.incidents import Incident
from onwatch.incidents.changes import RecordedChange
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.people import Assignment
from onwatch.incidents.silences import Silence
from onwatch.incidents.timefmt import to_iso
from onwatch.remote import wire

DEFAULT_TOKEN_ENV = "ONWATCH_TOKEN"
TIMEOUT = 10.0
PAGE = 1000
MAX_NEWEST = 1000
"""The most one paged request returns (the server's own bound)."""

_EXITS = {400: Exit.USAGE, 413: Exit.USAGE, 404: Exit.NOT_FOUND, 409: Exit.NOT_ALLOWED}
_ACTIONS = {"ack", "escalate", "close", "reopen", "note", "priority"}


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"--connect takes an http:// or https:// URL, got {url!r}", Exit.USAGE)
    return url.rstrip("/")


def token_from(ctx: Context) -> str:
    """The token for --connect from the variable --token-env names, or exit 2 naming it."""
    variable = getattr(ctx.args, "token_env", None) or DEFAULT_TOKEN_ENV
    token = ctx.env.get(variable, "").strip()
    if not token:
        raise CliError(f"{variable} is not set: it holds the token for --connect", Exit.USAGE)
    return token


class RemoteClient:
    """`Incidents` and `Silences` (onwatch.cli.backends) over `onwatch serve`'s API."""

    def __init__(self, url: str, token: str) -> None:
        self.url = check_url(url)
        self.shown = wire.shown_url(self.url)
        self._token = token
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
            trust_env=False,  # a proxy from the environment would see the token
        )

    # --- Incidents -----------------------------------------------------------------------------

    def list_incidents(
        self, state: str, *, mine: bool = False, page: Page | None = None
    ) -> list[Incident]:
        if page is not None:
            params: dict[str, Any] = {"state": state, "newest": page.limit or MAX_NEWEST}
            if page.since is not None:
                params["since"] = page.since
            if page.before is not None:
                params["before"] = page.before
            if mine:
                params["mine"] = "true"
            return self._read(wire.incidents, self._call("GET", "/v1/incidents", **params))
        found: list[Incident] = []
        seen: set[int] = set()
        query: dict[str, Any] = {"state": state, "limit": PAGE}
        if mine:
            query["mine"] = "true"  # the server knows whose token this is
        while True:
            page = self._call("GET", "/v1/incidents", offset=len(found), **query)
            found.extend(self._read(wire.incidents, page))
            self._read(lambda p: wire.check_progress(seen, p, len(found)), page)
            if len(page) < PAGE:
                return found

    def stats(self, since: str | None, *, include_drills: bool = False) -> dict[str, Any]:
        params: dict[str, Any] = {"drills": "true" if include_drills else "false"}
        if since is not None:
            params["since"] = since
        found = self._call("GET", "/v1/stats", **params)
        if not isinstance(found, dict) or not isinstance(found.get("total"), int):
            raise CliError(f"server {self.shown} sent a bad answer: stats is not an object")
        return found

    def export(self, fmt: str, since: str | None, *, include_drills: bool = False) -> Iterator[str]:
        params: dict[str, Any] = {"format": fmt, "drills": "true" if include_drills else "false"}
        if since is not None:
            params["since"] = since
        try:
            with self._http.stream("GET", "/v1/incidents/export", params=params) as response:
                if response.status_code >= 400:
                    response.read()
                    message = wire.error_text(response.content, self._token)
                    raise CliError(message or f"HTTP {response.status_code}")
                for line in response.iter_lines():
                    yield line + "\n"
        except httpx.HTTPError as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise CliError(f"server {self.shown} unreachable: {detail}") from None

    def show(self, incident_id: int) -> Incident:
        return self._read(wire.incident, self._call("GET", f"/v1/incidents/{incident_id}"))

    def act(
        self, verb: str, incident_id: int, *, note: str = "", text: str = "", priority: str = ""
    ) -> Incident:
        assert verb in _ACTIONS, verb
        body: dict[str, str] = {"note": note} if note else {}
        if verb == "note":
            body = {"text": text}
        elif verb == "priority":
            body["priority"] = priority
        answer = self._call("POST", f"/v1/incidents/{incident_id}/{verb}", body=body)
        return self._read(wire.incident, answer)

    def open_report(self, report: Report) -> Incident:
        body = {
            "title": report.title,
            "severity": report.severity.value,
            "category": report.category.value,
            "source": report.source,
            "description": report.description,
            "reporter": report.reporter,
        }
        return self._read(wire.incident, self._call("POST", "/v1/incidents", body=body))

    def assign(self, incident_id: int, name: str, *, as_: Assignment) -> Incident:
        body = {"name": name, "as": as_.value}
        return self._post(incident_id, "assign", body)

    def hand_over(self, incident_id: int, role: str, *, note: str = "") -> Incident:
        body = {"to": role, "note": note} if note else {"to": role}
        return self._post(incident_id, "escalate", body)

    def feedback(self, incident_id: int, rating: int, *, comment: str = "") -> Incident:
        body = {"rating": rating, "comment": comment} if comment else {"rating": rating}
        return self._post(incident_id, "feedback", body)

    def context(self, incident: Incident) -> IncidentContext:
        return self._read(wire.context, self._call("GET", f"/v1/incidents/{incident.id}/context"))

    def check(self, incident_id: int, number: int, *, undo: bool = False) -> Incident:
        return self._post(incident_id, "check", {"item": number, "undo": undo})

    def review(
        self, incident_id: int, *, root_cause: str | None, actions: Sequence[str]
    ) -> Incident:
        body: dict[str, Any] = {"actions": list(actions)}
        if root_cause is not None:
            body["root_cause"] = root_cause
        return self._post(incident_id, "review", body)

    def postmortem(self, incident_id: int) -> str:
        answer = self._call("GET", f"/v1/incidents/{incident_id}/postmortem")
        return self._read(wire.markdown, answer)

    # --- Changes -------------------------------------------------------------------------------

    def add_change(self, text: str, *, source: str = "") -> RecordedChange:
        body = {"text": text, "source": source} if source else {"text": text}
        return self._read(wire.change, self._call("POST", "/v1/changes", body=body))

    def list_changes(self, since: datetime | None) -> list[RecordedChange]:
        query = {} if since is None else {"since": to_iso(since)}
        return self._read(wire.changes, self._call("GET", "/v1/changes", **query))

    def _post(self, incident_id: int, verb: str, body: dict[str, Any]) -> Incident:
        answer = self._call("POST", f"/v1/incidents/{incident_id}/{verb}", body=body)
        return self._read(wire.incident, answer)

    # --- Watching onwatch itself --------------------------------------------------------------

    def drill(self, check: str | None, *, severity: str, lasting: timedelta) -> Incident:
        body: dict[str, Any] = {"severity": severity, "for": f"{lasting.total_seconds():g}s"}
        if check:
            body["check"] = check
        return self._read(wire.incident, self._call("POST", "/v1/drills", body=body))

    def notify_test(
        self, *, channel: str | None = None, role: str | None = None
    ) -> list[dict[str, object]]:
        body = {k: v for k, v in (("channel", channel), ("role", role)) if v is not None}
        return self._read(_trial_results, self._call("POST", "/v1/notify/test", body=body))

    def reload_config(self) -> dict[str, Any]:
        """What the server's engine made of its config file, read again."""
        return self._read(outcome_of, self._call("POST", "/v1/config/reload"))

    # --- Silences ------------------------------------------------------------------------------

    def add(self, matchers: dict[str, str], *, duration: timedelta, reason: str) -> Silence:
        body = {"match": matchers, "for": f"{duration.total_seconds():g}s", "reason": reason}
        return self._read(wire.silence, self._call("POST", "/v1/silences", body=body))

    def list_silences(self, *, everything: bool, now: datetime) -> list[Silence]:
        answer = self._call("GET", "/v1/silences", all="true" if everything else "false")
        return self._read(wire.silences, answer)

    def expire(self, silence_id: int) -> Silence:
        return self._read(wire.silence, self._call("DELETE", f"/v1/silences/{silence_id}"))

    # --- the wire ------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, body: Any = None, **params: Any) -> Any:
        try:
            response = self._http.request(method, path, json=body, params=params or None)
        except httpx.TimeoutException:
            raise CliError(f"server {self.shown} did not answer within {TIMEOUT:g}s") from None
        except httpx.HTTPError as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise CliError(f"server {self.shown} unreachable: {detail}") from None
        status = response.status_code
        if status >= 400:
            message = wire.error_text(response.content, self._token) or f"HTTP {status}"
            if status in (401, 403):
                raise CliError(f"server {self.shown} refused: {message}", Exit.DENIED)
            raise CliError(message, _EXITS.get(status, Exit.FAILURE))
        try:
            return wire.decode(response.text)
        except ValueError as exc:
            raise CliError(f"server {self.shown} sent a bad answer: {exc}") from None

    def _read(self, read: Any, data: Any) -> Any:
        try:
            return read(data)
        except ValueError as exc:
            raise CliError(f"server {self.shown} sent a bad answer: {exc}") from None


def _trial_results(data: Any) -> list[dict[str, object]]:
    """`POST /v1/notify/test`'s answer, every field checked (the server is another machine)."""
    if not isinstance(data, list):
        raise ValueError("expected a list of results")
    results: list[dict[str, object]] = []
    for item in data:
        if not isinstance(item, dict):
            raise ValueError("expected objects")
        target, ok, reason = item.get("target"), item.get("ok"), item.get("reason")
        if not isinstance(target, str) or not isinstance(ok, bool):
            raise ValueError("a result needs a target and ok")
        if reason is not None and not isinstance(reason, str):
            raise ValueError("reason must be text")
        results.append({"target": target[:200], "ok": ok, "reason": reason and reason[:500]})
    return results
