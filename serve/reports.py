"""`POST /v1/incidents` bodies and `GET /v1/roles`: what a person reports, who can take it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onwatch.engine.contacts import MAX_CONTACT
from onwatch.incidents import Category, Severity, people
from onwatch.serve.bodies import text_field
from onwatch.serve.errors import ApiError
from onwatch.serve.state import state_of

REPORT_KEYS = ("title", "severity", "category", "source", "description", "reporter")
SEVERITIES = tuple(s.value for s in Severity)
CATEGORIES = tuple(c.value for c in Category)
MAX_RAW_TITLE = 4000
"""What the body may carry; the operations API then allows 200 characters once spaces are
collapsed, with the same message the CLI prints."""


def _choice(body: dict[str, Any], key: str, default: str, options: tuple[str, ...]) -> str:
    value = body.get(key, default)
    if value not in options:
        raise ApiError(400, f"{key} must be one of {', '.join(options)}")
    return value


def report_body(body: dict[str, Any]) -> dict[str, Any]:
    """The body as `Operations.open_report`'s keyword arguments, every field checked."""
    source = text_field(body, "source", limit=people.MAX_NAME).strip()
    reporter = body.get("reporter")
    return {
        "title": text_field(body, "title", required=True, limit=MAX_RAW_TITLE),
        "severity": Severity(_choice(body, "severity", Severity.WARNING.value, SEVERITIES)),
        "category": Category(_choice(body, "category", Category.REPORTED.value, CATEGORIES)),
        "source": source or people.REPORTED_SOURCE,
        "description": text_field(body, "description", limit=people.MAX_DESCRIPTION),
        "reporter": None if reporter is None else text_field(body, "reporter", limit=MAX_CONTACT),
    }


async def list_roles(request: Request) -> Response:
    # Names and members only: a role's notify targets are apprise URLs that may hold secrets.
    roles = state_of(request).engine.settings.notify.roles
    return JSONResponse([{"name": r.name, "members": list(r.members)} for r in roles])


ROUTES = [Route("/v1/roles", list_roles, methods=["GET"])]
