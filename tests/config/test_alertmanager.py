"""`[alertmanager]` and the alertmanager token role: built, refused with their lines, summarised
without a secret."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onwatch.config import parse_config, summarize
from onwatch.notify.alertmanager_target import AlertmanagerTarget
from tests.config.conftest import FILE, problems

SECRET = "am-b3arer-secret"

CONFIG = """
[alertmanager]
url = "http://alertmanager:9093"
token = "${AM_TOKEN}"
poll = "10s"
[[serve.tokens]]
name = "alertmanager"
role = "alertmanager"
token = "${HOOK}"
"""


def test_the_section_builds_a_target_and_the_role_is_accepted() -> None:
    config = parse_config(CONFIG, FILE, {"AM_TOKEN": SECRET, "HOOK": "h"}).resolved()
    assert config.alertmanager == AlertmanagerTarget(
        url="http://alertmanager:9093", token=SECRET, poll=timedelta(seconds=10)
    )
    assert config.alertmanager.headers() == {"Authorization": f"Bearer {SECRET}"}
    assert config.serve.tokens[0].role == "alertmanager"
    lines = summarize(config)
    assert (
        "alertmanager: silences at http://alertmanager:9093 (bearer token), polled every 10s"
        in lines
    )
    assert "serve: listen 127.0.0.1:8765, tokens: alertmanager (alertmanager)" in lines
    assert not any(SECRET in line for line in lines)
    assert SECRET not in repr(config.alertmanager)


def test_basic_auth_and_no_section_at_all() -> None:
    text = '[alertmanager]\nurl = "https://am.example"\nusername = "onwatch"\npassword = "pw"\n'
    target = parse_config(text, FILE, {}).alertmanager
    assert target.headers()["Authorization"].startswith("Basic ")
    assert parse_config("", FILE, {}).alertmanager is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'url = "ftp://am:21"',
            'onwatch.toml:3: alertmanager.url: expected an http:// or https:// URL, got "ftp://"',
        ),
        (
            'url = "http://u:p@am:9093"',
            "onwatch.toml:3: alertmanager.url: put credentials in username and password (or token), not in the URL",
        ),
        ('poll = "30s"', "onwatch.toml:2: alertmanager.url: required key is missing"),
        (
            'url = "http://am"\npoll = "0s"',
            'onwatch.toml:4: alertmanager.poll: must be between 1s and 1h, got "0s"',
        ),
        (
            'url = "http://am"\ntoken = "t"\nusername = "u"',
            "onwatch.toml:4: alertmanager.token: use either token or username and password, not both",
        ),
        (
            'url = "http://am"\npassword = "p"',
            "onwatch.toml:4: alertmanager.password: a password needs a username",
        ),
        (
            'url = "http://am"\ntoken = "${UNSET_AM}"',
            "onwatch.toml:4: alertmanager.token: environment variable UNSET_AM is not set",
        ),
    ],
)
def test_problems_name_the_file_line_and_key(text: str, expected: str) -> None:
    assert expected in problems(f"\n[alertmanager]\n{text}\n")


def test_an_unknown_role_is_still_refused() -> None:
    text = '[[serve.tokens]]\nname = "x"\nrole = "root"\ntoken = "t"\n'
    assert problems(text) == [
        'onwatch.toml:3: serve.tokens[0].role: expected one of operator, viewer, reporter, alertmanager, got "root"'
    ]
