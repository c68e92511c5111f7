"""`POST /v1/drills` and `POST /v1/notify/test`: `onwatch drill` and `onwatch notify test`
through the server (operator tokens only, like every POST)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.engine.channel_trial import UnknownTarget, result_to_dict, select_channels, trial
from onwatch.incidents import Severity
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.drills import MAX_DRILL
from onwatch.incidents.timefmt import parse_duration
from onwatch.serve.auth import principal_of
from onwatch.serve.bodies import read_object, text_field
from onwatch.serve.errors import ApiError, domain_error
from onwatch.serve.state import state_of

DRILL_SEVERITIES = (Severity.CRITICAL.value, Severity.WARNING.value)
MAX_NAME = 200


def _lasting(body: dict[str, Any]) -> timedelta:
    value = body.get("for", "10m")
    if not isinstance(value, str) or len(value) > 40:
        raise ApiError(400, 'for must be a duration such as "10m"')
    try:
        lasting = parse_duration(value)
    except (ValueError, OverflowError):
        raise ApiError(400, 'for must be a duration such as "10m"') from None
    if not timedelta(0) < lasting <= MAX_DRILL:
        raise ApiError(400, "for must be more than 0s and at most 1d")
    return lasting


async def start_drill(request: Request) -> Response:
    body = await read_object(request, ("check", "severity", "for"))
    check = text_field(body, "check", limit=MAX_NAME).strip() or None
    severity = body.get("severity", Severity.CRITICAL.value)
    if severity not in DRILL_SEVERITIES:
        raise ApiError(400, f"severity must be one of {', '.join(DRILL_SEVERITIES)}")
    engine = state_of(request).engine
    actor = principal_of(request.scope).name
    try:
        change = await engine.drill(
            check, severity=Severity(severity), lasting=_lasting(body), by=actor
        )
    except Exception as exc:
        mapped = domain_error(exc)
        if mapped is None:
            raise
        raise mapped from exc
    return JSONResponse(incident_to_dict(change.incident), status_code=201)


async def notify_test(request: Request) -> Response:
    body = await read_object(request, ("channel", "role"))
    channel = text_field(body, "channel", limit=MAX_NAME).strip() or None
    role = text_field(body, "role", limit=MAX_NAME).strip() or None
    if channel and role:
        raise ApiError(400, "give channel or role, not both")
    engine = state_of(request).engine
    try:
        channels = select_channels(engine.settings.notify, channel, role)
    except UnknownTarget as exc:
        raise ApiError(400, f"{exc.key}: {exc}") from None
    desktop = engine.notifications.desktop if channel is None and role is None else None
    actor = principal_of(request.scope).name
    results = await trial(channels, desktop, actor, engine.clock())
    return JSONResponse([result_to_dict(r) for r in results])


ROUTES = [
    Route("/v1/drills", start_drill, methods=["POST"]),
    Route("/v1/notify/test", notify_test, methods=["POST"]),
]
