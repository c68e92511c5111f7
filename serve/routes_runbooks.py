"""`GET /v1/runbooks`: what the config gives each check for whoever is paged by it, its runbook
and its own checklist items, so a console on `--connect` shows a check's runbook as a local
one does. Read from the running engine, so a config reload shows at once."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.serve.state import state_of


def shown_runbook(url: str | None) -> str | None:
    """The runbook's address without any user or password in it (a wiki login has no business
    on every console)."""
    if not url:
        return None
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


async def runbooks(request: Request) -> Response:
    guides = state_of(request).engine.operations.guides
    found = [
        {"check": check, "runbook": shown_runbook(guide.runbook), "checklist": list(guide.items)}
        for check, guide in sorted(guides.items())
        if guide.runbook or guide.items
    ]
    return JSONResponse(found)


ROUTES = [Route("/v1/runbooks", runbooks, methods=["GET"])]
