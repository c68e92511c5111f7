"""`/v1/stats` and `/v1/incidents/export`: the history, counted and streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from onwatch.engine.history_report import FORMATS, export_lines, stats_of
from onwatch.serve.bodies import choice_param, since_param
from onwatch.serve.errors import blocking
from onwatch.serve.state import state_of

_MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/x-ndjson"}
_CHUNK = 500


def _drills(request: Request) -> bool:
    return choice_param(request, "drills", "false", ("true", "false")) == "true"


async def stats(request: Request) -> Response:
    engine = state_of(request).engine
    now = engine.clock()
    since = since_param(request, now)
    figures = await blocking(
        partial(stats_of, engine.store, now=now, since=since, include_drills=_drills(request))
    )
    return JSONResponse(figures)


async def export(request: Request) -> Response:
    fmt = choice_param(request, "format", "json", FORMATS)
    engine = state_of(request).engine
    since = since_param(request, engine.clock())
    lines = export_lines(engine.store, fmt, since=since, include_drills=_drills(request))

    def next_chunk() -> str:
        # A chunk of lines per thread hop: the store is read in a thread, never on the loop.
        out = []
        for line in lines:
            out.append(line)
            if len(out) >= _CHUNK:
                break
        return "".join(out)

    async def body() -> AsyncIterator[bytes]:
        while chunk := await blocking(next_chunk):
            yield chunk.encode()

    return StreamingResponse(body(), media_type=_MEDIA[fmt])


ROUTES = [
    Route("/v1/stats", stats, methods=["GET"]),
    Route("/v1/incidents/export", export, methods=["GET"]),
]
