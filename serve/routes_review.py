"""Diagnosis and review over HTTP: an incident's context (checklist, nearby changes, what fixed
it last time) and postmortem, ticking its checklist, its review, and the recent changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.incidents.changes import MAX_NAME, MAX_TEXT, change_to_dict
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.context import context_to_dict
from onwatch.incidents.review import MAX_ACTION, MAX_ACTIONS, MAX_ROOT_CAUSE
from onwatch.incidents.timefmt import from_iso, parse_duration
from onwatch.serve.auth import principal_of
from onwatch.serve.bodies import read_object, text_field
from onwatch.serve.errors import ApiError, blocking
from onwatch.serve.routes_incidents import incident_id
from onwatch.serve.state import state_of

MAX_CHECK_ITEM = 1000
MAX_SINCE = timedelta(days=36500)


async def get_context(request: Request) -> Response:
    ops = state_of(request).engine.operations
    incident = await blocking(ops.store.get, incident_id(request))
    context = await blocking(ops.context, incident)
    return JSONResponse(context_to_dict(context))


async def get_postmortem(request: Request) -> Response:
    ops = state_of(request).engine.operations
    text = await blocking(ops.postmortem, incident_id(request))
    return JSONResponse({"id": request.path_params["id"], "markdown": text})


def item_field(body: dict[str, Any]) -> int:
    value = body.get("item")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CHECK_ITEM:
        raise ApiError(400, f"item must be an integer from 1 to {MAX_CHECK_ITEM}")
    return value


def flag_field(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise ApiError(400, f"{key} must be true or false")
    return value


def actions_field(body: dict[str, Any]) -> list[str]:
    value = body.get("actions", [])
    if not isinstance(value, list) or len(value) > MAX_ACTIONS:
        raise ApiError(400, f"actions must be a list of at most {MAX_ACTIONS} strings")
    if not all(isinstance(a, str) and len(a) <= MAX_ACTION for a in value):
        raise ApiError(400, f"each action is a string of at most {MAX_ACTION} characters")
    return value


async def check_item(request: Request) -> Response:
    target = incident_id(request)
    body = await read_object(request, ("item", "undo"))
    number, undo = item_field(body), flag_field(body, "undo")
    engine = state_of(request).engine
    actor = principal_of(request.scope).name
    change = await blocking(partial(engine.operations.check, target, number, undo=undo, by=actor))
    engine.publish_change(change)
    return JSONResponse(incident_to_dict(change.incident))


async def review_incident(request: Request) -> Response:
    target = incident_id(request)
    body = await read_object(request, ("root_cause", "actions"))
    cause = text_field(body, "root_cause", limit=MAX_ROOT_CAUSE) if "root_cause" in body else None
    actions = actions_field(body)
    engine = state_of(request).engine
    actor = principal_of(request.scope).name
    review = partial(engine.operations.review, target, root_cause=cause, actions=actions, by=actor)
    change = await blocking(review)
    engine.publish_change(change)
    return JSONResponse(incident_to_dict(change.incident))


def since_param(request: Request, now: datetime) -> datetime:
    """`since`: a time (ISO-8601 with its zone) or an age (7d); default seven days."""
    text = request.query_params.get("since", "7d").strip()
    if len(text) > 40:
        raise ApiError(400, "since must be a time or an age such as 7d")
    try:
        return from_iso(text) if "T" in text else now - _age(text)
    except (ValueError, OverflowError):
        raise ApiError(400, "since must be a time or an age such as 7d") from None


def _age(text: str) -> timedelta:
    age = parse_duration(text)
    if not timedelta(0) < age <= MAX_SINCE:
        raise ValueError(text)
    return age


async def list_changes(request: Request) -> Response:
    engine = state_of(request).engine
    since = since_param(request, engine.clock())
    found = await blocking(engine.operations.list_changes, since)
    return JSONResponse([change_to_dict(c) for c in found])


async def add_change(request: Request) -> Response:
    body = await read_object(request, ("text", "source"))
    text = text_field(body, "text", required=True, limit=MAX_TEXT)
    source = text_field(body, "source", limit=MAX_NAME)
    engine = state_of(request).engine
    actor = principal_of(request.scope).name
    change = await blocking(partial(engine.operations.record_change, text, source=source, by=actor))
    return JSONResponse(change_to_dict(change), status_code=201)


ROUTES = [
    Route("/v1/incidents/{id:int}/context", get_context, methods=["GET"]),
    Route("/v1/incidents/{id:int}/postmortem", get_postmortem, methods=["GET"]),
    Route("/v1/incidents/{id:int}/check", check_item, methods=["POST"]),
    Route("/v1/incidents/{id:int}/review", review_incident, methods=["POST"]),
    Route("/v1/changes", list_changes, methods=["GET"]),
    Route("/v1/changes", add_change, methods=["POST"]),
]
