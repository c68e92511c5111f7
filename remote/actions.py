"""The console backend's actions as the API's requests: one POST (or GET) each, the answer
read back into the model at once so the console redraws from it without waiting for the event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from onwatch.engine.api import ReloadOutcome, TestOutcome, Unavailable
from onwatch.incidents import Incident, IncidentError, Priority, Severity
from onwatch.incidents.context import IncidentContext
from onwatch.incidents.silences import Silence
from onwatch.remote import wire
from onwatch.remote.client import ApiClient
from onwatch.remote.model import ReadModel


class RemoteActions:
    """Mixed into `RemoteBackend`, which sets these up."""

    _api: ApiClient
    _model: ReadModel
    url: str

    async def acknowledge(self, incident_id: int, *, note: str = "") -> Incident:
        return await self._act(incident_id, "ack", _noted(note))

    async def escalate(self, incident_id: int, *, note: str = "") -> Incident:
        return await self._act(incident_id, "escalate", _noted(note))

    async def close(self, incident_id: int, *, note: str = "") -> Incident:
        return await self._act(incident_id, "close", _noted(note))

    async def reopen(self, incident_id: int, *, note: str = "") -> Incident:
        return await self._act(incident_id, "reopen", _noted(note))

    async def note(self, incident_id: int, text: str) -> Incident:
        return await self._act(incident_id, "note", {"text": text})

    async def set_priority(
        self, incident_id: int, priority: Priority, *, note: str = ""
    ) -> Incident:
        body = {"priority": Priority(priority).value, **_noted(note)}
        return await self._act(incident_id, "priority", body)

    async def silence(
        self, matchers: Mapping[str, str], *, duration: timedelta, reason: str
    ) -> Silence:
        body = {"match": dict(matchers), "for": f"{duration.total_seconds():g}s", "reason": reason}
        return wire.answer(wire.silence, await self._api.post("/v1/silences", body), self.url)

    async def open_report(
        self, title: str, *, severity: Severity, source: str, description: str
    ) -> Incident:
        # The server names the token's holder as who reported it: no reporter is sent.
        body: dict[str, Any] = {"title": title, "severity": Severity(severity).value}
        if source.strip():
            body["source"] = source.strip()
        if description:
            body["description"] = description
        answer = await self._api.post("/v1/incidents", body)
        return self._keep(wire.answer(wire.incident, answer, self.url))

    async def assign(self, incident_id: int, name: str, *, as_: str = "owner") -> Incident:
        return await self._act(incident_id, "assign", {"name": name, "as": as_})

    async def hand_over(self, incident_id: int, role: str, *, note: str = "") -> Incident:
        return await self._act(incident_id, "escalate", {"to": role, **_noted(note)})

    async def roles(self) -> Sequence[str]:
        answer = await self._api.get("/v1/roles")
        return wire.answer(wire.role_names, answer, self.url)

    async def notify_test(self) -> Sequence[TestOutcome]:
        answer = await self._api.post("/v1/notify/test", {})
        return wire.answer(_outcomes, answer, self.url)

    async def reload_config(self) -> ReloadOutcome:
        try:
            answer = await self._api.post("/v1/config/reload", {})
        except IncidentError as exc:  # 409: the server has no config file to read again
            raise Unavailable(str(exc)) from None
        return wire.answer(_reload_outcome, answer, self.url)

    async def context(self, incident: Incident) -> IncidentContext:
        answer = await self._api.get(f"/v1/incidents/{incident.id}/context")
        return wire.answer(wire.context, answer, self.url)

    async def check(self, incident_id: int, number: int, *, undo: bool = False) -> Incident:
        return await self._act(incident_id, "check", {"item": number, "undo": undo})

    async def review(
        self, incident_id: int, *, root_cause: str | None, actions: Sequence[str]
    ) -> Incident:
        body: dict[str, Any] = {"actions": list(actions)}
        if root_cause is not None:
            body["root_cause"] = root_cause
        return await self._act(incident_id, "review", body)

    async def postmortem(self, incident_id: int) -> str:
        answer = await self._api.get(f"/v1/incidents/{incident_id}/postmortem")
        return wire.answer(wire.markdown, answer, self.url)

    def _keep(self, incident: Incident) -> Incident:
        # At once, not when the event arrives: the console redraws from the model right away.
        self._model.put(incident)
        return incident

    async def _act(self, incident_id: int, action: str, body: dict[str, Any]) -> Incident:
        answer = await self._api.post(f"/v1/incidents/{incident_id}/{action}", body)
        return self._keep(wire.answer(wire.incident, answer, self.url))


def _noted(note: str) -> dict[str, str]:
    return {"note": note} if note else {}


def _outcomes(data: Any) -> list[TestOutcome]:
    """`POST /v1/notify/test`'s answer, every field checked: the server is another machine."""
    if not isinstance(data, list):
        raise ValueError("expected a list of results")
    found = []
    for item in data:
        if not isinstance(item, dict):
            raise ValueError("expected result objects")
        target, ok, reason = item.get("target"), item.get("ok"), item.get("reason")
        if not isinstance(target, str) or not isinstance(ok, bool):
            raise ValueError("a result needs a target and ok")
        if reason is not None and not isinstance(reason, str):
            raise ValueError("a result's reason must be text")
        found.append(TestOutcome(target[:200], ok, (reason or "")[:500]))
    return found


def _reload_outcome(data: Any) -> ReloadOutcome:
    """`POST /v1/config/reload`'s answer, every field checked."""
    if not isinstance(data, dict):
        raise ValueError("expected an object")
    summary, problems = data.get("summary"), data.get("problems")
    if not isinstance(summary, str) or not isinstance(problems, list):
        raise ValueError("a reload answer needs a summary and problems")
    if not all(isinstance(p, str) for p in problems):
        raise ValueError("each problem must be text")
    return ReloadOutcome(summary[:500], tuple(p[:500] for p in problems[:100]))
