"""`/v1/incidents`: list and read from the store; act through the engine's operations API."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.incidents import Change, Event, Incident, State, people
from onwatch.incidents.codec import incident_to_dict
from onwatch.serve.auth import principal_of
from onwatch.serve.bodies import (
    choice_param,
    int_param,
    priority_field,
    rating_field,
    read_object,
    since_param,
    text_field,
)
from onwatch.serve.errors import ApiError, blocking
from onwatch.serve.reports import REPORT_KEYS, report_body
from onwatch.serve.state import state_of

STATES = ("open", "triggered", "acknowledged", "resolved", "closed", "all")
MAX_LIMIT = 1000
MAX_OFFSET = 10**9


def states_for(choice: str) -> set[State]:
    """The same sets as `onwatch incidents list --state`."""
    if choice == "all":
        return set(State)
    if choice == "open":
        return {s for s in State if s.is_open}
    return {State(choice)}


def incident_id(request: Request) -> int:
    value = request.path_params["id"]
    if value < 1:
        raise ApiError(404, f"no incident {value}")
    return value


async def list_incidents(request: Request) -> Response:
    state = choice_param(request, "state", "open", STATES)
    limit = int_param(request, "limit", 100, 1, MAX_LIMIT)
    offset = int_param(request, "offset", 0, 0, MAX_OFFSET)
    mine = choice_param(request, "mine", "false", ("true", "false")) == "true"
    store = state_of(request).engine.store
    paged = any(k in request.query_params for k in ("newest", "since", "before"))
    if paged:
        # The newest page of a long history, read from the summaries (see store.page).
        newest = int_param(request, "newest", MAX_LIMIT, 1, MAX_LIMIT)
        before = int_param(request, "before", MAX_OFFSET, 1, MAX_OFFSET)
        since = since_param(request, state_of(request).engine.clock())
        found = await blocking(
            partial(store.page, states_for(state), limit=newest, since=since, before=before)
        )
        offset, limit = 0, MAX_LIMIT
    else:
        found = await blocking(store.list, states_for(state))
    if mine:
        # Mine is whoever holds the token: the same name the timeline records for them.
        me = principal_of(request.scope).name
        found = [i for i in found if i.owner == me]
    return JSONResponse([incident_to_dict(i) for i in found[offset : offset + limit]])


async def get_incident(request: Request) -> Response:
    store = state_of(request).engine.store
    incident = await blocking(store.get, incident_id(request))
    return JSONResponse(incident_to_dict(incident))


Action = Callable[[Any, int, str, dict[str, Any]], Change]
"""(operations, id, actor, body) -> the change, run in a thread."""

ASSIGNMENTS = tuple(a.value for a in people.Assignment)


def _escalate(ops: Any, incident: int, by: str, body: dict[str, Any]) -> Change:
    """With `to`, a hand-over to that role; without, the next step of the policy as before."""
    if body["to"]:
        return ops.hand_over(incident, body["to"], by=by, note=body["note"])
    return ops.escalate(incident, by=by, note=body["note"])


NOTE_ONLY = ("note",)
ACTIONS: dict[str, tuple[tuple[str, ...], Action]] = {
    "ack": (NOTE_ONLY, lambda ops, i, by, b: ops.acknowledge(i, by=by, note=b["note"])),
    "escalate": (("note", "to"), _escalate),
    "close": (NOTE_ONLY, lambda ops, i, by, b: ops.close(i, by=by, note=b["note"])),
    "reopen": (NOTE_ONLY, lambda ops, i, by, b: ops.reopen(i, by=by, note=b["note"])),
    "note": (("text",), lambda ops, i, by, b: ops.note(i, b["text"], by=by)),
    "priority": (
        ("priority", "note"),
        lambda ops, i, by, b: ops.set_priority(i, b["priority"], by=by, note=b["note"]),
    ),
    "assign": (
        ("name", "as"),
        lambda ops, i, by, b: ops.assign(i, b["name"], as_=people.Assignment(b["as"]), by=by),
    ),
    "feedback": (
        ("rating", "comment"),
        lambda ops, i, by, b: ops.feedback(i, b["rating"], comment=b["comment"], by=by),
    ),
}


def _checked(verb: str, body: dict[str, Any]) -> dict[str, Any]:
    if verb == "note":
        return {"text": text_field(body, "text", required=True)}
    if verb == "assign":
        role = body.get("as", people.Assignment.OWNER.value)
        if role not in ASSIGNMENTS:
            raise ApiError(400, f"as must be one of {', '.join(ASSIGNMENTS)}")
        name = text_field(body, "name", required=True, limit=people.MAX_NAME)
        return {"name": name, "as": role}
    if verb == "feedback":
        comment = text_field(body, "comment", limit=people.MAX_COMMENT)
        return {"rating": rating_field(body), "comment": comment}
    checked = {"note": text_field(body, "note")}
    if verb == "priority":
        checked["priority"] = priority_field(body)
    if verb == "escalate":
        checked["to"] = text_field(body, "to", limit=people.MAX_NAME).strip()
    return checked


def action_endpoint(verb: str) -> Callable[[Request], Any]:
    keys, act = ACTIONS[verb]

    async def endpoint(request: Request) -> Response:
        target = incident_id(request)
        body = _checked(verb, await read_object(request, keys))
        actor = principal_of(request.scope).name
        engine = state_of(request).engine
        change = await blocking(act, engine.operations, target, actor, body)
        # Tracked, notified and streamed like any action in the console.
        engine.publish_change(change)
        return JSONResponse(incident_to_dict(change.incident))

    endpoint.__name__ = f"incident_{verb}"
    return endpoint


async def open_report(request: Request) -> Response:
    """A person's report: 201 with a new incident, 200 with the one it was added to."""
    body = report_body(await read_object(request, REPORT_KEYS))
    actor = principal_of(request.scope).name
    engine = state_of(request).engine
    change = await blocking(partial(engine.operations.open_report, **body, by=actor))
    engine.publish_change(change)
    status = 201 if change.event is Event.OPENED else 200
    return JSONResponse(incident_to_dict(change.incident), status_code=status)


def incident_json(incident: Incident) -> dict[str, Any]:
    return incident_to_dict(incident)


ROUTES = [
    Route("/v1/incidents", list_incidents, methods=["GET"]),
    Route("/v1/incidents", open_report, methods=["POST"]),
    Route("/v1/incidents/{id:int}", get_incident, methods=["GET"]),
    *(
        Route(f"/v1/incidents/{{id:int}}/{verb}", action_endpoint(verb), methods=["POST"])
        for verb in ACTIONS
    ),
]
