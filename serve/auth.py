"""Bearer tokens and roles, checked before a request's body is read or its route is looked up.

Every configured token is compared, in constant time, against a digest of what was sent, so
neither which token matched nor how long it is shows in the response time. No token is ever
logged or echoed: a failure says only that a valid token is needed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from onwatch.serve.errors import send_error
from onwatch.serve.pages.paths import EVENTS_PATH, is_page

if TYPE_CHECKING:
    from onwatch.serve.pages.sessions import Sessions
    from onwatch.serve.throttle import Throttle

OPERATOR = "operator"
VIEWER = "viewer"
REPORTER = "reporter"
"""Reports through the `/report` page; nothing of the API."""
ALERTMANAGER = "alertmanager"
"""Alertmanager's webhook: it may post alerts and nothing else, not even read."""
ROLES = (OPERATOR, VIEWER, REPORTER, ALERTMANAGER)
ALERTMANAGER_ROUTES = frozenset({("POST", "/v1/alertmanager")})

PUBLIC = frozenset({("GET", "/v1/health"), ("HEAD", "/v1/health"), ("GET", "/openapi.json")})
"""What anyone may ask: a load balancer's health probe, a client generator's schema."""
READS = frozenset({"GET", "HEAD"})
SCOPE_KEY = "onwatch.principal"


@dataclass(frozen=True, slots=True)
class Token:
    name: str
    role: str
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who asks: the timeline names `name` for what they do."""

    name: str
    role: str

    def may(self, method: str, path: str) -> bool:
        if self.role == OPERATOR:
            return True
        if self.role == ALERTMANAGER:
            return (method, path) in ALERTMANAGER_ROUTES
        return self.role == VIEWER and method in READS

    def refusal(self) -> str:
        if self.role == ALERTMANAGER:
            return "role alertmanager may only post alerts to /v1/alertmanager"
        if self.role == VIEWER:
            return f"role {self.role} may only read"
        return f"role {self.role} may not use this"


def _digest(secret: bytes) -> bytes:
    return hashlib.sha256(secret).digest()


class Tokens:
    """The configured tokens; with none, every request acts as `open_as` (loopback only: the
    CLI refuses to listen elsewhere without tokens)."""

    def __init__(self, tokens: Iterable[Token], *, open_as: str) -> None:
        self._tokens = [(_digest(t.secret.encode()), Principal(t.name, t.role)) for t in tokens]
        self._open = Principal(open_as, OPERATOR) if not self._tokens else None

    @property
    def required(self) -> bool:
        return self._open is None

    @property
    def open_as(self) -> Principal | None:
        """Who every request is when no token is configured; None when tokens are."""
        return self._open

    def authenticate(self, authorization: bytes | None) -> Principal | None:
        if self._open is not None:
            return self._open
        scheme, _, credentials = (authorization or b"").partition(b" ")
        if scheme.lower() != b"bearer":
            return None
        return self.match(credentials.strip())

    def match(self, secret: bytes) -> Principal | None:
        """Whose token `secret` is (the login form's field, a bearer header's credentials)."""
        if not secret:
            return None
        sent = _digest(secret)
        found = None
        for digest, principal in self._tokens:
            # Every token is compared, a match or not: the time taken says nothing.
            if hmac.compare_digest(sent, digest) and found is None:
                found = principal
        return found


class AuthMiddleware:
    """Pure ASGI, outermost: nothing of the request is read before the token is checked.

    The pages for a browser check their session themselves (a missing one redirects to the
    login form rather than answering 401); the event stream also takes a page's session
    cookie, since a browser's EventSource cannot send a bearer header.
    """

    def __init__(
        self,
        app: ASGIApp,
        tokens: Tokens,
        sessions: Sessions | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self.app = app
        self.tokens = tokens
        self.sessions = sessions
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if (method, path) not in PUBLIC and not is_page(path):
            principal = await self._authenticate(scope, send)
            if principal is None:
                return
            if not principal.may(method, path):
                await send_error(send, 403, principal.refusal())
                return
            scope[SCOPE_KEY] = principal
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: Scope, send: Send) -> Principal | None:
        """Who asks, or None once the refusal (401, or 429 for a shut-out address) is sent."""
        headers = dict(scope["headers"])
        sent = headers.get(b"authorization")
        session = None
        if scope["path"] == EVENTS_PATH and self.sessions is not None:
            session = self.sessions.principal(headers.get(b"cookie"))
        address = client_address(scope)
        throttle = self.throttle if self.tokens.required else None
        wait = throttle.retry_after(address) if throttle is not None else None
        if wait is not None:
            # No token is compared for a shut-out address. A page's session is no guess (its
            # id is random), so a wall behind the same address keeps its stream.
            if session is None:
                await send_too_many(send, wait)
            return session
        by_token = self.tokens.authenticate(sent)
        principal = by_token or session
        if principal is None:
            # Only a token sent counts as a guess; a request with none is simply refused.
            if throttle is not None and sent:
                wait = throttle.failed(address)
                if wait is not None:
                    await send_too_many(send, wait)
                    return None
            challenge = {"www-authenticate": 'Bearer realm="onwatch"'}
            await send_error(send, 401, "a valid bearer token is required", challenge)
            return None
        if throttle is not None and by_token is not None and sent:
            throttle.succeeded(address)
        return principal


def client_address(scope: Scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


async def send_too_many(send: Send, wait: int) -> None:
    message = f"too many wrong tokens from this address: try again in {wait} s"
    await send_error(send, 429, message, {"retry-after": str(wait)})


def principal_of(scope: Scope) -> Principal:
    return scope[SCOPE_KEY]
