"""The pages for a browser over real HTTP: the login form and its session cookie, CSRF on every
form, the headers on every page, who may see the wall and who may report, escaping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import pytest

from onwatch.incidents import Category
from onwatch.serve import Token
from tests.serve.conftest import OPERATOR_TOKEN, TOKENS, VIEWER_TOKEN, Live, start_live
from tests.serve.pages import REPORTER_TOKEN, PageClient, csrf_of

HOSTILE = "<script>alert(1)</script>"
DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    tokens = (*TOKENS, Token("rita", "reporter", REPORTER_TOKEN))
    server, finish = start_live(tmp_path, tokens=tokens)
    yield server
    finish()


@pytest.fixture
def open_live(tmp_path: Path) -> Iterator[Live]:
    server, finish = start_live(tmp_path, tokens=())
    yield server
    finish()


def cookie(response: httpx.Response, name: str) -> SimpleCookie:
    jar = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    assert name in jar, response.headers.get_list("set-cookie")
    return jar


def report(fields: dict[str, str]) -> dict[str, str]:
    return {"title": "", "affected": "", "details": "", "contact": "", **fields}


# --- sessions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/wall", "/report"])
def test_a_page_without_a_session_redirects_to_the_login_form(live: Live, path: str) -> None:
    with PageClient(live.url) as browser:
        answer = browser.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next=%2F{path[1:]}"


def test_logging_in_sets_an_httponly_strict_session_cookie_and_opens_the_wall(live: Live) -> None:
    with PageClient(live.url) as browser:
        answer = browser.login(VIEWER_TOKEN, "/wall")
        assert answer.status_code == 303 and answer.headers["location"] == "/wall"
        session = cookie(answer, "onwatch_session")["onwatch_session"]
        assert session["httponly"] is True
        assert session["samesite"].lower() == "strict"
        assert session["path"] == "/"
        assert not session["secure"]  # plain http here; https below
        assert int(session["max-age"]) == 12 * 3600
        assert len(session.value) >= 40 and VIEWER_TOKEN not in session.value
        wall = browser.get("/wall")
    assert wall.status_code == 200
    assert "web-01 cpu 95% above 90%" in wall.text
    assert "Log out vic" in wall.text
    # The token went in a form body only: never in a URL, never back in a page.
    assert VIEWER_TOKEN not in str(answer.headers) and VIEWER_TOKEN not in wall.text


def test_the_session_cookie_is_secure_behind_https(live: Live) -> None:
    # A TLS proxy on this machine says so in X-Forwarded-Proto (uvicorn trusts 127.0.0.1).
    with PageClient(live.url, headers={"x-forwarded-proto": "https"}) as browser:
        form = browser.get("/login")
        csrf = cookie(form, "onwatch_csrf")["onwatch_csrf"]
        assert csrf["secure"] is True
        # httpx keeps a Secure cookie for https only: hand it over as the browser would.
        browser.http.cookies.set("onwatch_csrf", csrf.value)
        answer = browser.post_form("/login", {"csrf": csrf_of(form), "token": VIEWER_TOKEN})
    assert answer.status_code == 303, answer.text
    assert cookie(answer, "onwatch_session")["onwatch_session"]["secure"] is True


def test_a_wrong_token_gets_the_form_again_and_no_session(live: Live) -> None:
    with PageClient(live.url) as browser:
        answer = browser.login("not-a-token")
        assert answer.status_code == 401
        assert "That token does not open these pages." in answer.text
        assert "onwatch_session" not in answer.headers.get("set-cookie", "")
        assert browser.get("/wall").status_code == 303


def test_next_leads_only_to_our_own_pages(live: Live) -> None:
    with PageClient(live.url) as browser:
        answer = browser.login(VIEWER_TOKEN, "https://elsewhere.example/")
    assert answer.headers["location"] == "/wall"


def test_logging_out_ends_the_session_on_the_server(live: Live) -> None:
    with PageClient(live.url) as browser:
        browser.login(VIEWER_TOKEN)
        stolen = browser.http.cookies["onwatch_session"]
        wall = browser.get("/wall")
        assert browser.post_form("/logout", {}).status_code == 403  # no CSRF token: refused
        answer = browser.post_form("/logout", {"csrf": csrf_of(wall)})
        assert answer.status_code == 303 and answer.headers["location"] == "/login"
    with PageClient(live.url, cookies={"onwatch_session": stolen}) as other:
        assert other.get("/wall").status_code == 303


def test_the_event_stream_takes_a_page_session(live: Live) -> None:
    with PageClient(live.url) as browser:
        with browser.http.stream("GET", "/v1/events") as refused:
            assert refused.status_code == 401
        browser.login(VIEWER_TOKEN)
        with browser.http.stream("GET", "/v1/events") as stream:
            assert stream.status_code == 200
            lines = stream.iter_lines()
            assert next(lines) == "event: hello"
            hello = json.loads(next(lines).removeprefix("data: "))
    assert (hello["name"], hello["role"]) == ("vic", "viewer")


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sent", [None, "", "forged-token"])
def test_the_login_form_without_its_csrf_token_is_refused(live: Live, sent: str | None) -> None:
    with PageClient(live.url) as browser:
        browser.get("/login")  # the browser has its CSRF cookie
        fields = {"token": VIEWER_TOKEN} | ({} if sent is None else {"csrf": sent})
        answer = browser.post_form("/login", fields)
    assert answer.status_code == 403
    assert "onwatch_session" not in answer.headers.get("set-cookie", "")


def test_a_csrf_token_from_another_browser_is_refused(live: Live) -> None:
    with PageClient(live.url) as attacker, PageClient(live.url) as victim:
        token = csrf_of(attacker.get("/login"))
        victim.get("/login")
        answer = victim.post_form("/login", {"csrf": token, "token": VIEWER_TOKEN})
    assert answer.status_code == 403


@pytest.mark.parametrize("sent", [None, "forged-token"])
def test_a_report_without_its_csrf_token_is_refused_and_stores_nothing(
    live: Live, sent: str | None
) -> None:
    before = len(live.store.list())
    with PageClient(live.url) as browser:
        browser.login(REPORTER_TOKEN)
        fields = report({"title": "printer jammed"}) | ({} if sent is None else {"csrf": sent})
        answer = browser.post_form("/report", fields)
    assert answer.status_code == 403
    assert len(live.store.list()) == before


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/login", "/wall", "/report", "/wall.json", "/static/wall.js", "/static/pages.css"]
)
def test_every_page_carries_the_security_headers(live: Live, path: str) -> None:
    with PageClient(live.url) as browser:
        answer = browser.get(path)
    policy = answer.headers["content-security-policy"]
    assert all(directive in policy for directive in DIRECTIVES), policy
    assert "unsafe-inline" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


def test_the_pages_hold_no_inline_script_or_style(live: Live) -> None:
    with PageClient(live.url) as browser:
        browser.login(OPERATOR_TOKEN)
        pages = [browser.get(path).text for path in ("/wall", "/report", "/login")]
    for text in pages:
        assert "<script>" not in text and "<style" not in text
        assert re.search(r"\s(on[a-z]+|style)=", text) is None  # no handlers, no inline style


def test_the_script_is_served_as_javascript(live: Live) -> None:
    with PageClient(live.url) as browser:
        script = browser.get("/static/wall.js")
        missing = [browser.get(path) for path in ("/static/auth.py", "/static/..%2F__init__.py")]
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "textContent" in script.text and "innerHTML" not in script.text
    assert [answer.status_code for answer in missing] == [404, 404]


# --- roles --------------------------------------------------------------------------------------


def test_a_viewer_sees_the_wall_but_may_not_report(live: Live) -> None:
    before = len(live.store.list())
    with PageClient(live.url) as browser:
        browser.login(VIEWER_TOKEN)
        assert browser.get("/wall").status_code == 200
        assert browser.get("/wall.json").status_code == 200
        refused = browser.get("/report")
        sent = browser.post_form("/report", report({"title": "printer jammed", "csrf": "x"}))
    assert refused.status_code == 403 and "may not open /report" in refused.text
    assert sent.status_code == 403
    assert len(live.store.list()) == before


def test_a_reporter_reports_but_sees_neither_the_wall_nor_the_api(live: Live) -> None:
    with PageClient(live.url) as browser:
        answer = browser.login(REPORTER_TOKEN, "/wall")
        assert answer.headers["location"] == "/report"  # the wall is not theirs
        assert browser.get("/wall").status_code == 403
        assert browser.get("/wall.json").status_code == 403
        with browser.http.stream("GET", "/v1/events") as stream:
            assert stream.status_code == 403
    with live.client(REPORTER_TOKEN) as api:
        assert api.get("/v1/incidents").status_code == 403
        assert api.post("/v1/incidents", json={"title": "x"}).status_code == 403


def test_the_report_form_opens_a_reported_incident_and_shows_its_number(live: Live) -> None:
    fields = {
        "title": "Printer on floor 3 jams",
        "affected": "printer-3",
        "details": "every second page\r\nsince Monday",
        "contact": "ana at desk 12",
    }
    with PageClient(live.url) as browser:
        browser.login(REPORTER_TOKEN)
        answer = browser.submit("/report", report(fields))
    assert answer.status_code == 200, answer.text
    (incident,) = [i for i in live.store.list() if i.category is Category.REPORTED]
    assert f'<strong id="incident-number">#{incident.id}</strong>' in answer.text
    assert (incident.title, incident.source, incident.reporter) == (
        "Printer on floor 3 jams",
        "printer-3",
        "ana at desk 12",
    )
    assert incident.description == "every second page\r\nsince Monday"
    assert incident.timeline[0].by == "rita"
    with live.client() as api:
        assert api.get(f"/v1/incidents/{incident.id}").json()["reporter"] == "ana at desk 12"


def test_a_second_report_of_the_same_thing_is_added_to_the_first(live: Live) -> None:
    fields = report({"title": "VPN down", "affected": "vpn"})
    with PageClient(live.url) as browser:
        browser.login(REPORTER_TOKEN)
        first = browser.submit("/report", fields)
        second = browser.submit("/report", fields)
    (incident,) = [i for i in live.store.list() if i.category is Category.REPORTED]
    assert incident.reports == 2
    assert f"#{incident.id}" in first.text and f"#{incident.id}" in second.text
    assert "already reported" in second.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "Say what is broken."),
        ({"title": "x" * 201}, "What is broken: at most 200 characters, this is 201."),
        ({"title": "ok", "affected": "y" * 201}, "What is affected: at most 200 characters"),
        ({"title": "ok", "affected": "a\nb"}, "What is affected: one line, please."),
        ({"title": "ok", "details": "z" * 4001}, "The details: at most 4000 characters"),
        ({"title": "ok", "contact": "nope://not-a-service"}, "is not one apprise can notify"),
    ],
)
def test_a_report_that_does_not_fit_gets_the_form_back_with_a_message(
    live: Live, fields: dict[str, str], message: str
) -> None:
    before = len(live.store.list())
    with PageClient(live.url) as browser:
        browser.login(REPORTER_TOKEN)
        answer = browser.submit("/report", report(fields))
    assert answer.status_code == 400
    assert message in answer.text
    assert 'role="alert"' in answer.text and 'action="/report"' in answer.text
    assert len(live.store.list()) == before


def test_a_form_that_is_not_a_form_gets_one_line(live: Live) -> None:
    with PageClient(live.url) as browser:
        form = browser.get("/login")
        as_json = browser.http.post("/login", json={"csrf": csrf_of(form)})
        too_big = browser.post_form("/login", {"csrf": csrf_of(form), "token": "x" * 20_000})
    assert as_json.status_code == 415
    assert too_big.status_code == 413


# --- escaping -----------------------------------------------------------------------------------


def test_a_script_in_a_title_shows_as_text_on_the_wall(live: Live) -> None:
    with live.client() as api:
        opened = api.post("/v1/incidents", json={"title": HOSTILE, "source": '"><b>x</b>'})
    assert opened.status_code == 201
    with PageClient(live.url) as browser:
        browser.login(VIEWER_TOKEN)
        wall = browser.get("/wall")
        state = browser.get("/wall.json").json()
    assert HOSTILE not in wall.text and "<b>x</b>" not in wall.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in wall.text
    assert 'data-source="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' in wall.text
    # The update path carries data; the script puts it in with textContent.
    assert HOSTILE in [tile["title"] for tile in state["tiles"]]


def test_what_a_reporter_typed_comes_back_escaped(live: Live) -> None:
    with PageClient(live.url) as browser:
        browser.login(REPORTER_TOKEN)
        answer = browser.submit(
            "/report", report({"title": "", "affected": '"><script>alert(1)</script>'})
        )
    assert answer.status_code == 400
    assert "<script>alert(1)" not in answer.text
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in answer.text


# --- open pages ---------------------------------------------------------------------------------


def test_without_tokens_on_loopback_the_pages_are_open(open_live: Live) -> None:
    with PageClient(open_live.url) as browser:
        assert browser.get("/wall").status_code == 200
        assert "No login needed" in browser.get("/login").text
        answer = browser.submit(
            "/report", report({"title": "Projector dead", "affected": "room 2"})
        )
        refused = browser.post_form("/report", report({"title": "no csrf"}))
    assert answer.status_code == 200, answer.text
    assert refused.status_code == 403
    (incident,) = [i for i in open_live.store.list() if i.category is Category.REPORTED]
    assert (incident.title, incident.timeline[0].by) == ("Projector dead", "root-op")
