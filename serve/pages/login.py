"""`/login` and `/logout`: a token typed once into a form becomes a session cookie."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from onwatch.serve.auth import client_address
from onwatch.serve.errors import ApiError
from onwatch.serve.pages import paths
from onwatch.serve.pages.access import (
    LOGIN_ROLES,
    Visitor,
    allowed,
    clear_session_cookie,
    csrf_ok,
    csrf_refused,
    csrf_token,
    finish,
    home_of,
    see_other,
    sessions_of,
    set_session_cookie,
    visitor,
)
from onwatch.serve.pages.forms import read_form
from onwatch.serve.pages.render import error_line, message_page, page, render
from onwatch.serve.state import state_of

MAX_TOKEN = 4096
NEXT_PAGES = (paths.WALL, paths.REPORT)


def _next(value: str | None) -> str:
    # Only our own pages: a `next` naming another site would make the form an open redirect.
    return value if value in NEXT_PAGES else ""


def _form(request: Request, who: Visitor, next_path: str, message: str, status: int) -> Response:
    body = render(
        "login.html",
        csrf=csrf_token(request, who),
        next=next_path,
        message=error_line(message),
        hours=int(sessions_of(request).lifetime // 3600),
        max_token=MAX_TOKEN,
    )
    return finish(request, who, page("onwatch: log in", body, status=status))


def _open_pages() -> Response:
    return message_page(
        200,
        "No login needed",
        "This server has no tokens configured and listens on this machine only: "
        "its pages are open.",
        paths.WALL,
        "Open the wall",
    )


def _too_many(wait: int) -> Response:
    minutes = max(1, round(wait / 60))
    response = message_page(
        429,
        "Too many wrong tokens",
        f"Too many wrong tokens came from this address. Try again in about {minutes} min.",
        paths.LOGIN,
        "Back to the login form",
    )
    response.headers["Retry-After"] = str(wait)
    return response


def form_error(exc: ApiError) -> Response:
    return message_page(exc.status, "The form could not be read", str(exc), paths.LOGIN, "Back")


async def login_form(request: Request) -> Response:
    if state_of(request).tokens.open_as is not None:
        return _open_pages()
    who = visitor(request)
    return _form(request, who, _next(request.query_params.get("next")), "", 200)


async def login(request: Request) -> Response:
    state = state_of(request)
    if state.tokens.open_as is not None:
        return _open_pages()
    address = client_address(request.scope)
    # Before the form is read or any token compared: an address shut out guesses nothing.
    wait = state.throttle.retry_after(address)
    if wait is not None:
        return _too_many(wait)
    who = visitor(request)
    try:
        fields = await read_form(request)
    except ApiError as exc:
        return form_error(exc)
    if not csrf_ok(request, who, fields):
        return csrf_refused()
    next_path = _next(fields.get("next"))
    secret = fields.get("token", "").strip()
    principal = state.tokens.match(secret.encode()) if len(secret) <= MAX_TOKEN else None
    if principal is None or principal.role not in LOGIN_ROLES:
        wait = state.throttle.failed(address)
        if wait is not None:
            return _too_many(wait)
        # One message whatever was wrong: the form tells nothing about which tokens exist.
        return _form(request, who, next_path, "That token does not open these pages.", 401)
    state.throttle.succeeded(address)
    sessions = sessions_of(request)
    if who.session is not None:
        # A new id at every login: a session id known before it cannot be carried past it.
        sessions.end(who.session.id)
    session = sessions.create(principal)
    target = next_path if next_path and allowed(principal, next_path) else home_of(principal)
    response = see_other(target)
    set_session_cookie(request, response, session)
    return response


async def logout(request: Request) -> Response:
    who = visitor(request)
    try:
        fields = await read_form(request)
    except ApiError as exc:
        return form_error(exc)
    if not csrf_ok(request, who, fields):
        return csrf_refused()
    if who.session is not None:
        sessions_of(request).end(who.session.id)
    response = see_other(paths.LOGIN)
    clear_session_cookie(request, response)
    return response
