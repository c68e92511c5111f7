"""Debian's chromium, headless, driven through Debian's chromedriver: nothing is downloaded,
no Selenium Manager runs (an explicit driver path skips it)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.e2e.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS_ENV = "ONWATCH_TEST_ARTIFACTS"
WIDTH, HEIGHT = 1920, 1080
T = TypeVar("T")


def artifacts_dir() -> Path:
    """Where screenshots go: $ONWATCH_TEST_ARTIFACTS, else tests/artifacts (git ignores it)."""
    folder = Path(os.environ.get(ARTIFACTS_ENV) or ROOT / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_chromium(profile: Path) -> webdriver.Chrome:
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.is_file():
            pytest.fail(f"{program} is missing: .ci/run installs chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # chromium's sandbox refuses to run as root
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=os.devnull)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    # The window's size is not the page's: give the page exactly a wall screen's pixels.
    metrics = {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    return driver


def stop_chromium(driver: webdriver.Chrome, profile: Path) -> None:
    try:
        driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(
    what: Callable[[], T | None], timeout: float = 10.0, every: float = 0.02, about: str = ""
) -> T:
    """Poll `what` until it returns something truthy; fail naming `about` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {about or what}")
        time.sleep(every)  # polling a browser: there is no event to wait on
