"""The pages in a real browser against a real `onwatch serve`: the wall shows a new incident
within 2 s, a script in a title stays text, the report form opens an incident, and the wall
without a session leads to the login form, where a viewer's token opens it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from onwatch.store import IncidentStore
from tests.e2e.browser import artifacts_dir, start_chromium, stop_chromium, wait_for
from tests.remote.server import OPERATOR_TOKEN, REPORTER_TOKEN, VIEWER_TOKEN, Server
from tests.tui.conftest import seed

pytestmark = pytest.mark.browser

HOSTILE = "<script>alert(1)</script>"
SHOWS_WITHIN_SECONDS = 2.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("pages") / "server")
    seed(IncidentStore(running.db))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """One browser for the module (starting one takes seconds); each test starts logged out."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    driver = start_chromium(profile)
    yield driver
    stop_chromium(driver, profile)


@pytest.fixture
def browser(chromium: webdriver.Chrome, server: Server) -> webdriver.Chrome:
    chromium.get(f"{server.url}/login")  # cookies are per site: be on it to clear them
    chromium.delete_all_cookies()
    chromium.get_log("browser")  # what earlier tests logged is theirs
    return chromium


def api(server: Server) -> httpx.Client:
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10)


def log_in(driver: webdriver.Chrome, token: str) -> None:
    field = wait_for(lambda: driver.find_elements(By.ID, "token"), about="the token field")[0]
    field.send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def open_wall(driver: webdriver.Chrome, server: Server) -> None:
    driver.get(f"{server.url}/wall")
    log_in(driver, VIEWER_TOKEN)
    wait_for(lambda: driver.current_url.endswith("/wall"), about="the wall after login")
    # "live" once the event stream said hello: from then on, changes arrive by themselves.
    wait_for(lambda: wall_now(driver)["live"] == "live", about="the stream")


WALL_NOW = """
const text = (id) => document.getElementById(id)?.textContent;
return {
  live: text("live"),
  warning: text("count-warning"),
  clock: text("clock"),
  tiles: [...document.querySelectorAll("#tiles .tile")].map((tile) => ({
    source: tile.dataset.source,
    word: tile.querySelector(".word").textContent,
    title: tile.querySelector(".title").textContent,
  })),
};
"""


def wall_now(driver: webdriver.Chrome) -> dict:
    """What the wall shows, read in one go: its script replaces the tiles on every update, so
    elements found one call earlier may be gone by the next."""
    return driver.execute_script(WALL_NOW)


def tile_titles(driver: webdriver.Chrome) -> list[str]:
    return [tile["title"] for tile in wall_now(driver)["tiles"]]


def no_alert(driver: webdriver.Chrome) -> bool:
    try:
        driver.switch_to.alert  # noqa: B018 (the property raises when there is none)
    except NoAlertPresentException:
        return True
    return False


def page_errors(driver: webdriver.Chrome) -> list[str]:
    """What the page logged as an error: a CSP refusal, a failed fetch, a script error."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_wall_without_a_session_leads_to_the_login_form_and_a_viewer_logs_in(
    browser: webdriver.Chrome, server: Server
) -> None:
    browser.get(f"{server.url}/wall")
    assert browser.current_url == f"{server.url}/login?next=%2Fwall"
    assert browser.find_element(By.ID, "token").get_attribute("type") == "password"
    log_in(browser, VIEWER_TOKEN)
    wait_for(lambda: browser.current_url == f"{server.url}/wall", about="the wall")
    assert VIEWER_TOKEN not in browser.current_url
    cookies = {c["name"]: c for c in browser.get_cookies()}
    session = cookies["onwatch_session"]
    assert session["httpOnly"] is True and session["sameSite"] == "Strict"
    assert wait_for(lambda: tile_titles(browser), about="the tiles")
    # HttpOnly: the page's own script cannot read the session.
    assert "onwatch_session" not in browser.execute_script("return document.cookie")
    assert page_errors(browser) == []


def test_the_wall_shows_a_new_incident_within_two_seconds(
    browser: webdriver.Chrome, server: Server, record_property
) -> None:
    open_wall(browser, server)
    warnings = int(wall_now(browser)["warning"])
    title = "Checkout returns 502 for one in ten orders"
    with api(server) as client:
        opened_at = time.monotonic()
        answer = client.post(
            "/v1/incidents", json={"title": title, "source": "checkout", "severity": "warning"}
        )
    assert answer.status_code == 201, answer.text
    wait_for(
        lambda: title in tile_titles(browser),
        timeout=SHOWS_WITHIN_SECONDS,
        about=f"the new incident on the wall within {SHOWS_WITHIN_SECONDS}s",
    )
    shown_after = time.monotonic() - opened_at
    shown = wall_now(browser)
    (tile,) = [tile for tile in shown["tiles"] if tile["source"] == "checkout"]
    assert (tile["word"], tile["title"]) == ("▲ WARN", title)
    assert int(shown["warning"]) == warnings + 1
    assert shown["clock"].count(":") == 1
    screenshot = artifacts_dir() / "wall-1920x1080.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[16:24] == (1920).to_bytes(4, "big") + (1080).to_bytes(4, "big")
    record_property("screenshot", str(screenshot))
    record_property("shown_after_seconds", round(shown_after, 3))
    print(f"wall screenshot: {screenshot} (new incident shown after {shown_after:.3f}s)")
    assert page_errors(browser) == []


def test_a_script_in_a_title_renders_as_text_and_never_runs(
    browser: webdriver.Chrome, server: Server
) -> None:
    open_wall(browser, server)
    with api(server) as client:
        answer = client.post("/v1/incidents", json={"title": HOSTILE, "source": "printers"})
    assert answer.status_code == 201, answer.text
    # The update path: the script put it in while the page was open.
    wait_for(lambda: HOSTILE in tile_titles(browser), about="the title on the wall")
    assert no_alert(browser)
    # The server's render: the same page loaded afresh.
    browser.refresh()
    wait_for(lambda: HOSTILE in tile_titles(browser), about="the title after a reload")
    assert no_alert(browser)
    assert browser.execute_script("return document.querySelectorAll('#tiles script').length") == 0
    assert page_errors(browser) == []


def test_the_report_form_opens_an_incident(browser: webdriver.Chrome, server: Server) -> None:
    browser.get(f"{server.url}/report")
    assert browser.current_url == f"{server.url}/login?next=%2Freport"
    log_in(browser, REPORTER_TOKEN)
    wait_for(lambda: browser.current_url == f"{server.url}/report", about="the report form")
    browser.find_element(By.ID, "title").send_keys("Badge reader at the side door is dead")
    browser.find_element(By.ID, "affected").send_keys("side door")
    browser.find_element(By.ID, "details").send_keys("Red light, no beep.")
    browser.find_element(By.ID, "contact").send_keys("Rita at reception")
    browser.find_element(By.CSS_SELECTOR, "form[action='/report'] button").click()
    number = wait_for(
        lambda: browser.find_elements(By.ID, "incident-number"), about="the thank-you page"
    )[0].text
    assert number.startswith("#")
    with api(server) as client:
        incident = client.get(f"/v1/incidents/{number[1:]}").json()
    assert incident["title"] == "Badge reader at the side door is dead"
    assert (incident["category"], incident["source"]) == ("reported", "side door")
    assert (incident["reporter"], incident["description"]) == (
        "Rita at reception",
        "Red light, no beep.",
    )
    assert incident["timeline"][0]["by"] == "rita"
    assert page_errors(browser) == []


FIT_NOW = """
const bottom = document.getElementById("tiles").getBoundingClientRect().bottom;
const tiles = [...document.querySelectorAll("#tiles .tile")];
return {
  more: document.getElementById("more").textContent,
  hidden: tiles.filter((tile) => tile.hidden).map((tile) => tile.dataset.source),
  shown: tiles.filter((tile) => !tile.hidden).map((tile) => tile.dataset.source),
  overflowing: tiles.filter((t) => !t.hidden && t.getBoundingClientRect().bottom > bottom).length,
};
"""


def test_more_sources_than_the_screen_holds_leave_out_the_healthiest(
    browser: webdriver.Chrome, server: Server
) -> None:
    # Last in this module: the rooms' incidents stay on the shared server.
    open_wall(browser, server)
    rooms = [f"room-{n:03d}" for n in range(80)]
    with api(server) as client:
        for room in rooms:
            answer = client.post(
                "/v1/incidents", json={"title": "lights out", "source": room, "severity": "info"}
            )
            assert answer.status_code == 201, answer.text
    fit = wait_for(
        lambda: (now := browser.execute_script(FIT_NOW))["hidden"] and now,
        about="the wall to leave out what does not fit",
    )
    assert fit["overflowing"] == 0
    assert fit["more"] == f"+{len(fit['hidden'])} more sources not shown"
    # Failing sources sort first, so the ones left out are all OK (info reports).
    assert set(fit["hidden"]) <= set(rooms)
    assert {"api", "web-01", "checkout"} <= set(fit["shown"])
