"""`${VAR}` substitution in every string, anywhere in the file."""

from __future__ import annotations

from textwrap import dedent

import pytest

from onwatch.collectors.specs import HttpCheck, LocalCheck
from onwatch.config import ConfigError, parse_config
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


def test_an_unset_variable_leaves_out_what_it_belongs_to_and_is_kept_for_later() -> None:
    text = dedent(
        """
        operator = "dana"

        [[agent]]
        name = "db1"
        url = "http://10.0.0.5:9108"
        token = "${AGENT_TOKEN}"

        [[tcp]]
        name = "db"
        host = "10.0.0.5"
        port = 5432
        """
    )
    config = parse_config(text, "onwatch.toml", {})
    assert [watch.name for watch in config.watches] == ["local", "db"]
    assert [str(problem) for problem in config.unresolved] == [
        "onwatch.toml:7: agent[0].token: environment variable AGENT_TOKEN is not set"
    ]
    assert config.unresolved[0].variable == "AGENT_TOKEN"
    # A command that needs only the operator and the store goes on; one that runs checks not.
    assert config.resolved("operator", "db") is config
    with pytest.raises(ConfigError) as caught:
        config.resolved()
    assert caught.value.problems == list(config.unresolved)


def test_unset_variables_are_listed_with_the_other_errors_in_file_order() -> None:
    text = 'operator = "${WHO}"\n[[tcp]]\nname = "db"\nhost = "h"\nport = 0\n'
    assert problems(text) == [
        "onwatch.toml:1: operator: environment variable WHO is not set",
        "onwatch.toml:5: tcp[0].port: must be between 1 and 65535, got 0",
    ]


def test_an_escalation_step_naming_a_channel_with_an_unset_url_is_no_error() -> None:
    text = dedent(
        """
        [notify]
        channels = { oncall = "slack://${HOOK}/#oncall" }

        [[escalation]]
        name = "all"
        steps = [{ after = "0m", notify = ["oncall"] }]
        """
    )
    config = parse_config(text, "onwatch.toml", {})
    assert [policy.name for policy in config.notify.policies] == ["all"]
    assert [problem.variable for problem in config.unresolved] == ["HOOK"]
