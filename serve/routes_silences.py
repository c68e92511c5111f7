"""`/v1/silences`: the same rules as `onwatch silence add|list|expire`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.incidents import InvalidInput
from onwatch.incidents.silences import SILENCE_KEYS, check_matchers, silence_to_dict
from onwatch.serve.auth import principal_of
from onwatch.serve.bodies import choice_param, duration_field, match_field, read_object, text_field
from onwatch.serve.errors import ApiError, blocking, domain_error
from onwatch.serve.state import state_of

MAX_REASON = 1000


async def list_silences(request: Request) -> Response:
    everything = choice_param(request, "all", "false", ("true", "false")) == "true"
    engine = state_of(request).engine
    store = engine.silences
    if store is None:
        return JSONResponse([])
    if everything:
        found = await blocking(store.list)
    else:
        found = await blocking(store.active, engine.clock())
    return JSONResponse([silence_to_dict(s) for s in found])


async def add_silence(request: Request) -> Response:
    body = await read_object(request, ("match", "for", "reason"))
    try:
        matchers = check_matchers(match_field(body), SILENCE_KEYS, what="a silence")
    except InvalidInput as exc:
        raise ApiError(400, str(exc)) from None
    duration = duration_field(body, "for")
    reason = text_field(body, "reason", required=True, limit=MAX_REASON).strip()
    engine = state_of(request).engine
    actor = principal_of(request.scope).name
    try:
        silence = await engine.silence(matchers, duration=duration, reason=reason, by=actor)
    except Exception as exc:
        mapped = domain_error(exc)
        if mapped is None:
            raise
        raise mapped from exc
    return JSONResponse(silence_to_dict(silence), status_code=201)


async def expire_silence(request: Request) -> Response:
    silence_id = request.path_params["id"]
    if silence_id < 1:
        raise ApiError(404, f"no silence {silence_id}")
    engine = state_of(request).engine
    try:
        silence = await blocking(engine.operations.expire_silence, silence_id)
    except ApiError as exc:
        # The silence store says InvalidInput only when the silence has already ended.
        if exc.status == 400:
            raise ApiError(409, str(exc)) from None
        raise
    await engine.load_silences()  # the engine stops muting at once, not at its next poll
    return JSONResponse(silence_to_dict(silence))


ROUTES = [
    Route("/v1/silences", list_silences, methods=["GET"]),
    Route("/v1/silences", add_silence, methods=["POST"]),
    Route("/v1/silences/{id:int}", expire_silence, methods=["DELETE"]),
]
