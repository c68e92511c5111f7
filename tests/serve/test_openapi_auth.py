"""The OpenAPI document says how to authenticate, and the server does what it says: a bearer
token everywhere, the pages' session cookie on the event stream and nowhere else in the API."""

from __future__ import annotations

from tests.serve.conftest import VIEWER_TOKEN, Live
from tests.serve.pages import PageClient


def test_the_document_names_the_session_cookie_for_the_event_stream_only(live: Live) -> None:
    with live.client(None) as anonymous:
        document = anonymous.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"]["type"] == "http" and schemes["bearer"]["scheme"] == "bearer"
    session = schemes["session"]
    assert (session["type"], session["in"], session["name"]) == (
        "apiKey",
        "cookie",
        "onwatch_session",
    )
    assert document["security"] == [{"bearer": []}]
    assert document["paths"]["/v1/events"]["get"]["security"] == [{"bearer": []}, {"session": []}]
    with_cookie = [
        f"{method} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if {"session": []} in operation.get("security", [])
    ]
    assert with_cookie == ["get /v1/events"]
    # Wherever a token is checked, a shut-out address's answer is described too.
    assert "429" in document["paths"]["/v1/incidents"]["get"]["responses"]
    assert "429" not in document["paths"]["/v1/health"]["get"]["responses"]


def test_the_session_cookie_opens_the_event_stream_and_nothing_else(live: Live) -> None:
    with PageClient(live.url) as browser:
        browser.login(VIEWER_TOKEN)
        assert "onwatch_session" in browser.http.cookies
        with browser.http.stream("GET", "/v1/events") as stream:
            assert stream.status_code == 200
            assert next(stream.iter_lines()) == "event: hello"
        for path in ("/v1/incidents", "/v1/sources", "/metrics"):
            assert browser.get(path).status_code == 401, path
