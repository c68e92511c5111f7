"""`/static/NAME`: the pages' script, style sheet and icon, from the package's own files."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response

from onwatch.serve.errors import error_response

FILES = {
    "wall.js": "text/javascript; charset=utf-8",
    "pages.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


@cache
def _read(name: str) -> bytes:
    return files(__package__).joinpath("static", name).read_bytes()


async def static_file(request: Request) -> Response:
    name = request.path_params["name"]
    content_type = FILES.get(name)
    if content_type is None:
        return error_response(404, f"no route {request.method} {request.url.path}")
    # no-cache: the browser asks again (cheaply) after an upgrade instead of running old code.
    return Response(_read(name), media_type=content_type, headers={"cache-control": "no-cache"})
