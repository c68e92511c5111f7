"""What every part of the OpenAPI document is built from: references, JSON bodies, the error
answers (one wording for each status), the path id, and the two ways to authenticate."""

from __future__ import annotations

from typing import Any

from onwatch.serve.pages.sessions import SESSION_COOKIE

JSON = "application/json"
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}

_WORDS = {
    400: "bad input",
    401: "no or wrong token",
    403: "the token's role may not do this",
    404: "no such incident, silence or route",
    409: "the transition is not allowed",
    413: "the body is over 64 KiB",
    429: "too many wrong tokens from this address lately: wait Retry-After seconds",
    503: "the store refused the write",
}

BEARER = "bearer"
SESSION = "session"
SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "description": "a token of [[serve.tokens]]; its role says what it may do",
    },
    SESSION: {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": (
            "the session cookie the pages' login form (POST /login) sets for a token of role "
            "operator, viewer or reporter (HttpOnly, SameSite=Strict, 12 hours); it opens "
            "/wall and /report, and of the API only the event stream, which a browser's "
            "EventSource cannot send a bearer header to"
        ),
    },
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_answer(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def array_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


def errors(*codes: int) -> dict[str, Any]:
    """The error answers; wherever a token is checked, a shut-out address's 429 too."""
    if 401 in codes:
        codes = (*codes, 429)
    return {str(code): json_answer(ref("Error"), _WORDS[code]) for code in codes}
