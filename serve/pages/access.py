"""Who a page's visitor is (a session, or everyone when no token is configured), what they
may see, and the cookies that carry their session and their forms' CSRF tokens."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from onwatch.serve.auth import OPERATOR, REPORTER, VIEWER, Principal
from onwatch.serve.pages import paths
from onwatch.serve.pages.render import Html, message_page, render
from onwatch.serve.pages.sessions import (
    CSRF_COOKIE,
    CSRF_FIELD,
    MAX_COOKIE_VALUE,
    SESSION_COOKIE,
    Session,
    Sessions,
    new_binding,
)
from onwatch.serve.state import state_of

WALL_ROLES = frozenset({OPERATOR, VIEWER})
REPORT_ROLES = frozenset({OPERATOR, REPORTER})
LOGIN_ROLES = WALL_ROLES | REPORT_ROLES
"""Who may log in to the pages (an `alertmanager` token, say, may not)."""


@dataclass(frozen=True, slots=True)
class Visitor:
    principal: Principal | None
    session: Session | None
    binding: str
    """What this browser's CSRF tokens are tied to: its session id, or its CSRF cookie."""
    new_binding: bool
    """The CSRF cookie is new: the response sets it."""

    @property
    def csrf_cookie(self) -> str | None:
        return self.binding if self.new_binding else None


def sessions_of(request: Request) -> Sessions:
    return state_of(request).sessions


def visitor(request: Request) -> Visitor:
    state = state_of(request)
    session = None
    principal = state.tokens.open_as
    if principal is None:
        session = state.sessions.get(request.cookies.get(SESSION_COOKIE))
        principal = session.principal if session is not None else None
    if session is not None:
        return Visitor(principal, session, session.id, False)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if cookie and len(cookie) <= MAX_COOKIE_VALUE:
        return Visitor(principal, None, cookie, False)
    return Visitor(principal, None, new_binding(), True)


def csrf_token(request: Request, who: Visitor) -> str:
    return sessions_of(request).csrf_token(who.binding)


def csrf_ok(request: Request, who: Visitor, fields: dict[str, str]) -> bool:
    # A new binding means the browser sent no CSRF cookie: nothing it sends can match.
    if who.new_binding:
        return False
    return sessions_of(request).csrf_ok(who.binding, fields.get(CSRF_FIELD))


def csrf_refused() -> Response:
    return message_page(
        403,
        "This form has expired",
        "It did not come from this browser's page, or the page is older than its session. "
        "Go back, reload the page and send it again.",
        paths.LOGIN,
        "Go to the login form",
    )


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def finish(request: Request, who: Visitor, response: Response) -> Response:
    """Set the CSRF cookie on `response` when this visit made one."""
    if who.csrf_cookie is not None:
        response.set_cookie(
            CSRF_COOKIE,
            who.csrf_cookie,
            path="/",
            httponly=True,
            samesite="strict",
            secure=_secure(request),
        )
    return response


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session.id,
        max_age=int(sessions_of(request).lifetime),
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )


def see_other(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def to_login(next_path: str) -> Response:
    return see_other(f"{paths.LOGIN}?{urlencode({'next': next_path})}")


def home_of(principal: Principal) -> str:
    return paths.WALL if principal.role in WALL_ROLES else paths.REPORT


def allowed(principal: Principal, path: str) -> bool:
    roles = {paths.WALL: WALL_ROLES, paths.REPORT: REPORT_ROLES}.get(path, frozenset())
    return principal.role in roles


def guard(request: Request, path: str) -> tuple[Visitor, Response | None]:
    """The visitor, and the response instead of the page when they may not see it: to the
    login form without a session, a refusal for a role that may not."""
    who = visitor(request)
    if who.principal is None:
        return who, to_login(path)
    if not allowed(who.principal, path):
        refusal = message_page(
            403,
            "Not for this token",
            f"{who.principal.name} (role {who.principal.role}) may not open {path}.",
            paths.LOGIN,
            "Log in with another token",
        )
        return who, refusal
    return who, None


def logout_form(request: Request, who: Visitor) -> Html:
    """A log out button for a visitor with a session (none when the pages are open)."""
    if who.session is None:
        return Html("")
    return render("logout.html", csrf=csrf_token(request, who), name=who.session.principal.name)
