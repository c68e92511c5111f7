"""The people actions of the remote backend, as requests: what it sends for each and how it
reads the answers, against a small real HTTP server scripted by the test (the server's own
endpoints are tested with `onwatch serve`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from onwatch.engine.api import NotFound, Unavailable
from onwatch.incidents import Category, InvalidInput, Severity, TransitionError
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.people import open_report
from onwatch.remote import RemoteBackend

AT = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
TOKEN = "tok-people-secret"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class ScriptedApi:
    """Answers every request with the next scripted (status, JSON) and records what came."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.answers: list[tuple[int, Any]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                api.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                status, payload = api.answers.pop(0) if api.answers else (500, {"error": "?"})
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api() -> Iterator[ScriptedApi]:
    scripted = ScriptedApi()
    yield scripted
    scripted.close()


def reported(**changes: Any) -> dict[str, Any]:
    incident = open_report(
        incident_id=4,
        title="printer jams",
        severity=Severity.CRITICAL,
        category=Category.REPORTED,
        source="printer-3",
        description="every page",
        reporter="dana",
        by="dana",
        at=AT,
    )
    return {**incident_to_dict(incident), **changes}


async def test_open_report_posts_the_form_and_keeps_the_answer(api: ScriptedApi) -> None:
    api.answers.append((201, reported()))
    backend = RemoteBackend(api.url, TOKEN)
    try:
        incident = await backend.open_report(
            "printer jams", severity=Severity.CRITICAL, source="printer-3", description="every page"
        )
    finally:
        await backend.stop()
    (seen,) = api.seen
    assert (seen.method, seen.path) == ("POST", "/v1/incidents")
    # No reporter and no `by`: the server records the token's name.
    assert seen.body == {
        "title": "printer jams",
        "severity": "critical",
        "source": "printer-3",
        "description": "every page",
    }
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (incident.id, incident.reporter) == (4, "dana")
    assert backend.incident(4) == incident


async def test_open_report_leaves_out_what_was_not_typed(api: ScriptedApi) -> None:
    api.answers.append((201, reported(source="reported", description="")))
    backend = RemoteBackend(api.url, TOKEN)
    try:
        await backend.open_report(
            "printer jams", severity=Severity.WARNING, source=" ", description=""
        )
    finally:
        await backend.stop()
    assert api.seen[0].body == {"title": "printer jams", "severity": "warning"}


async def test_assign_and_hand_over_post_to_the_incident(api: ScriptedApi) -> None:
    api.answers += [(200, reported(owner="ana")), (200, reported(incident_manager="kim"))]
    api.answers.append((200, reported()))
    backend = RemoteBackend(api.url, TOKEN)
    try:
        owned = await backend.assign(4, "ana")
        managed = await backend.assign(4, "kim", as_="incident_manager")
        await backend.hand_over(4, "it_support", note="needs a driver")
    finally:
        await backend.stop()
    assert [(s.method, s.path, s.body) for s in api.seen] == [
        ("POST", "/v1/incidents/4/assign", {"name": "ana", "as": "owner"}),
        ("POST", "/v1/incidents/4/assign", {"name": "kim", "as": "incident_manager"}),
        ("POST", "/v1/incidents/4/escalate", {"to": "it_support", "note": "needs a driver"}),
    ]
    assert owned.owner == "ana"
    assert managed.incident_manager == "kim"


async def test_roles_are_the_names_the_server_lists(api: ScriptedApi) -> None:
    api.answers.append((200, [{"name": "it_support", "members": ["ana"]}, {"name": "desk"}]))
    backend = RemoteBackend(api.url, TOKEN)
    try:
        assert list(await backend.roles()) == ["it_support", "desk"]
    finally:
        await backend.stop()
    assert (api.seen[0].method, api.seen[0].path) == ("GET", "/v1/roles")


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, InvalidInput), (404, NotFound), (409, TransitionError), (503, Unavailable)],
)
async def test_refusals_come_back_in_the_backends_terms(
    api: ScriptedApi, status: int, error: type[Exception]
) -> None:
    api.answers.append((status, {"error": f"no role 'nobody' (token {TOKEN})"}))
    backend = RemoteBackend(api.url, TOKEN)
    try:
        with pytest.raises(error) as raised:
            await backend.hand_over(4, "nobody")
    finally:
        await backend.stop()
    assert TOKEN not in str(raised.value)


async def test_a_bad_roles_answer_is_unavailable(api: ScriptedApi) -> None:
    api.answers.append((200, {"roles": "it_support"}))
    backend = RemoteBackend(api.url, TOKEN)
    try:
        with pytest.raises(Unavailable, match="bad answer"):
            await backend.roles()
    finally:
        await backend.stop()
