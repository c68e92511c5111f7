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

from starlette.types import ASGIApp, Receive, Scope, Send

from onwatch.serve.errors import send_error

OPERATOR = "operator"
VIEWER = "viewer"
ALERTMANAGER = "alertmanager"
"""Alertmanager's webhook: it may post alerts and nothing else, not even read."""
ROLES = (OPERATOR, VIEWER, ALERTMANAGER)
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
        return method in READS


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

    def authenticate(self, authorization: bytes | None) -> Principal | None:
        if self._open is not None:
            return self._open
        scheme, _, credentials = (authorization or b"").partition(b" ")
        if scheme.lower() != b"bearer":
            return None
        sent = _digest(credentials.strip())
        found = None
        for digest, principal in self._tokens:
            # Every token is compared, a match or not: the time taken says nothing.
            if hmac.compare_digest(sent, digest) and found is None:
                found = principal
        return found


class AuthMiddleware:
    """Pure ASGI, outermost: nothing of the request is read before the token is checked."""

    def __init__(self, app: ASGIApp, tokens: Tokens) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if (method, path) not in PUBLIC:
            header = dict(scope["headers"]).get(b"authorization")
            principal = self.tokens.authenticate(header)
            if principal is None:
                challenge = {"www-authenticate": 'Bearer realm="onwatch"'}
                await send_error(send, 401, "a valid bearer token is required", challenge)
                return
            if not principal.may(method, path):
                await send_error(send, 403, _refusal(principal.role))
                return
            scope[SCOPE_KEY] = principal
        await self.app(scope, receive, send)


def _refusal(role: str) -> str:
    if role == ALERTMANAGER:
        return "role alertmanager may only post alerts to /v1/alertmanager"
    return f"role {role} may only read"


def principal_of(scope: Scope) -> Principal:
    return scope[SCOPE_KEY]
