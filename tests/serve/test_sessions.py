"""Page sessions in memory: random ids, an expiry, a cap; CSRF tokens tied to one browser."""

from __future__ import annotations

from onwatch.serve.auth import Principal
from onwatch.serve.pages.sessions import SESSION_COOKIE, Sessions

VIC = Principal("vic", "viewer")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_lasts_its_lifetime_and_no_longer() -> None:
    clock = Clock()
    sessions = Sessions(clock=clock, lifetime=60)
    session = sessions.create(VIC)
    clock.now += 59
    assert sessions.get(session.id) == session
    clock.now += 1
    assert sessions.get(session.id) is None
    assert len(sessions) == 0


def test_at_the_cap_the_oldest_session_goes_first() -> None:
    clock = Clock()
    sessions = Sessions(clock=clock, limit=3)
    first, second, third = (sessions.create(VIC) for _ in range(3))
    fourth = sessions.create(Principal("ana", "operator"))
    assert len(sessions) == 3
    assert sessions.get(first.id) is None
    assert [sessions.get(s.id) for s in (second, third, fourth)] == [second, third, fourth]


def test_expired_sessions_make_room_before_live_ones_are_dropped() -> None:
    clock = Clock()
    sessions = Sessions(clock=clock, lifetime=60, limit=2)
    old = sessions.create(VIC)
    clock.now += 30
    kept = sessions.create(VIC)
    clock.now += 31  # `old` has expired, `kept` has not
    sessions.create(VIC)
    assert sessions.get(kept.id) == kept and sessions.get(old.id) is None


def test_session_ids_are_random_and_long() -> None:
    sessions = Sessions()
    ids = {sessions.create(VIC).id for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) >= 40 for i in ids)


def test_the_cookie_header_names_the_principal() -> None:
    sessions = Sessions()
    session = sessions.create(VIC)
    header = f"theme=dark; {SESSION_COOKIE}={session.id}".encode()
    assert sessions.principal(header) == VIC
    assert sessions.principal(f"{SESSION_COOKIE}=guess".encode()) is None
    assert sessions.principal(None) is None
    sessions.end(session.id)
    assert sessions.principal(header) is None


def test_a_csrf_token_fits_its_own_binding_only() -> None:
    sessions = Sessions()
    token = sessions.csrf_token("browser-a")
    assert sessions.csrf_ok("browser-a", token)
    assert not sessions.csrf_ok("browser-b", token)
    assert not sessions.csrf_ok("browser-a", token[:-1])
    assert not sessions.csrf_ok("browser-a", None)
    assert not sessions.csrf_ok(None, token)
    # Another server process (another key) does not take this one's tokens.
    assert not Sessions().csrf_ok("browser-a", token)
