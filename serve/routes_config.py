"""`POST /v1/config/reload`: the server reads its config file again and applies it, as on
SIGHUP (operator tokens only, like every POST). The answer says what changed, or lists every
problem, one line each, while the running config stays."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.engine.api import Unavailable
from onwatch.serve.errors import ApiError, one_line
from onwatch.serve.state import state_of

MAX_PROBLEMS = 100


async def reload_config(request: Request) -> Response:
    try:
        outcome = await state_of(request).backend.reload_config()
    except Unavailable as exc:
        raise ApiError(409, str(exc)) from None
    problems = [one_line(p) for p in outcome.problems[:MAX_PROBLEMS]]
    return JSONResponse(
        {"applied": outcome.applied, "summary": one_line(outcome.summary), "problems": problems}
    )


ROUTES = [Route("/v1/config/reload", reload_config, methods=["POST"])]
