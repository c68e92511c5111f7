"""`${VAR}` substitution in every string, anywhere in the file."""

from __future__ import annotations

from textwrap import dedent

import pytest
from onwatch.collectors.specs import HttpCheck, LocalCheck

from onwatch.config import parse_config
from tests.config.conftest import problems


def test_variables_are_replaced_in_strings_lists_and_tables() -> None:
    text = dedent(
        """
        operator = "${WHO}"

        [local]
        processes = ["${DAEMON}", "cron"]

        [[http]]
        name = "api"
        url = "https://${HOST}/health"
        headers = { Authorization = "Bearer ${TOKEN}" }
        """
    )
    env = {"WHO": "alice", "DAEMON": "nginx", "HOST": "api.example.com", "TOKEN": "s3cret"}
    config = parse_config(text, "onwatch.toml", env)
    assert config.operator == "alice"
    local, http = (watch.probe for watch in config.watches)
    assert isinstance(local, LocalCheck)
    assert local.processes == ("nginx", "cron")
    assert isinstance(http, HttpCheck)
    assert http.url == "https://api.example.com/health"
    assert http.headers == {"Authorization": "Bearer s3cret"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$${HOME}", "${HOME}"),
        ("cost: $5", "cost: $5"),
        ("$$", "$$"),
        ("a${X}b${X}", "a1b1"),
        ("${X}$${X}", "1${X}"),
        ("${EMPTY}x", "x"),
    ],
)
def test_dollar_forms(value: str, expected: str) -> None:
    config = parse_config(f"operator = '{value}'\n", "c.toml", {"X": "1", "EMPTY": ""})
    assert config.operator == expected


def test_every_missing_variable_is_reported_at_its_key() -> None:
    text = 'operator = "${A}"\n[[http]]\nname = "x"\nurl = "https://${B}/"\nstatus = [200]\n'
    assert problems(text) == [
        "onwatch.toml:1: operator: environment variable A is not set",
        "onwatch.toml:4: http[0].url: environment variable B is not set",
    ]


def test_bad_variable_name_is_reported() -> None:
    assert problems('operator = "${1X}"\n') == [
        "onwatch.toml:1: operator: ${1X} is not an environment variable name"
    ]


def test_substituted_value_is_validated_afterwards() -> None:
    text = '[[http]]\nname = "x"\nurl = "${URL}"\n'
    assert problems(text, {"URL": "ftp://files.example"}) == [
        'onwatch.toml:3: http[0].url: expected an http:// or https:// URL, got "ftp://"'
    ]
