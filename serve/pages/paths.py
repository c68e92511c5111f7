"""Which paths are pages (checked by their session, not by a bearer token)."""

from __future__ import annotations

LOGIN = "/login"
LOGOUT = "/logout"
WALL = "/wall"
WALL_STATE = "/wall.json"
REPORT = "/report"
STATIC_PREFIX = "/static/"
EVENTS_PATH = "/v1/events"
"""The event stream: an API path, which also takes a page's session cookie."""

PAGES = frozenset({LOGIN, LOGOUT, WALL, WALL_STATE, REPORT})


def is_page(path: str) -> bool:
    return path in PAGES or path.startswith(STATIC_PREFIX)
