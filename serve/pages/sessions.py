"""Browser sessions and CSRF tokens, kept in memory (a restart logs everyone out: the wall's
page goes back to the login form, which beats sessions that outlive a token's removal).

A session id is random (`secrets.token_urlsafe`), lives only in an HttpOnly, SameSite=Strict
cookie and in this process, and expires after `LIFETIME_SECONDS`; at most `MAX_SESSIONS` are
kept (the oldest goes first). The CSRF token of a form is an HMAC, under a key of this process,
of what ties the form to its browser: the session id, or before login (and when no tokens are
configured) a random value in a cookie of its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import cookie_parser

from onwatch.serve.auth import Principal

SESSION_COOKIE = "onwatch_session"
CSRF_COOKIE = "onwatch_csrf"
CSRF_FIELD = "csrf"
LIFETIME_SECONDS = 12 * 3600
MAX_SESSIONS = 1000
MAX_COOKIE_VALUE = 100
"""Ours are 43 characters; anything much longer is not one of ours."""


@dataclass(frozen=True, slots=True)
class Session:
    id: str = field(repr=False)
    principal: Principal
    expires: float


class Sessions:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        lifetime: float = LIFETIME_SECONDS,
        limit: int = MAX_SESSIONS,
    ) -> None:
        self._clock = clock
        self._lifetime = lifetime
        self._limit = limit
        self._by_id: dict[str, Session] = {}
        self._key = secrets.token_bytes(32)

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def lifetime(self) -> float:
        return self._lifetime

    def create(self, principal: Principal) -> Session:
        now = self._clock()
        for stale in [s.id for s in self._by_id.values() if s.expires <= now]:
            del self._by_id[stale]
        while len(self._by_id) >= self._limit:
            # Dicts keep insertion order: the first is the oldest.
            del self._by_id[next(iter(self._by_id))]
        session = Session(secrets.token_urlsafe(32), principal, now + self._lifetime)
        self._by_id[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > MAX_COOKIE_VALUE:
            return None
        session = self._by_id.get(session_id)
        if session is not None and session.expires <= self._clock():
            del self._by_id[session_id]
            return None
        return session

    def end(self, session_id: str | None) -> None:
        if session_id:
            self._by_id.pop(session_id, None)

    def principal(self, cookie_header: bytes | None) -> Principal | None:
        """Who a request's session cookie says it is (for the event stream)."""
        if not cookie_header:
            return None
        cookies = cookie_parser(cookie_header.decode("latin-1"))
        session = self.get(cookies.get(SESSION_COOKIE))
        return session.principal if session is not None else None

    def csrf_token(self, binding: str) -> str:
        mac = hmac.new(self._key, b"csrf\0" + binding.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def csrf_ok(self, binding: str | None, sent: str | None) -> bool:
        if not binding or not sent:
            return False
        return hmac.compare_digest(self.csrf_token(binding).encode(), sent.encode())


def new_binding() -> str:
    """The value of a browser's CSRF cookie before it has a session."""
    return secrets.token_urlsafe(32)
