"""`POST /v1/alertmanager`: Alertmanager's webhook. Each alert opens, refreshes or resolves an
incident of category `external`, through the operations API like any other change, so the
engine notifies and escalates it as it would one of its own."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.incidents import Event
from onwatch.serve.alertmanager_payload import MAX_BODY, parse_payload
from onwatch.serve.auth import principal_of
from onwatch.serve.bodies import read_json
from onwatch.serve.errors import blocking
from onwatch.serve.state import state_of

PATH = "/v1/alertmanager"


async def receive_webhook(request: Request) -> Response:
    # Too big is as wrong as badly typed: 400, one line, nothing stored.
    alerts = parse_payload(await read_json(request, limit=MAX_BODY, too_large=400))
    actor = principal_of(request.scope).name
    engine = state_of(request).engine
    changes = await blocking(engine.operations.receive_alerts, alerts, by=actor)
    for change in changes:
        engine.publish_change(change)
    # Refreshes are counted, not listed: a repeat of a big group would otherwise echo it all.
    listed = [c for c in changes if c.event is not Event.UPDATED]
    return JSONResponse(
        {
            "alerts": len(alerts),
            "changed": [{"id": c.incident.id, "event": c.event.value} for c in listed],
            "refreshed": len(changes) - len(listed),
        }
    )


ROUTES = [Route(PATH, receive_webhook, methods=["POST"])]
