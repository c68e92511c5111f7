"""Matchers: the one set of globs that policies, silences and maintenance windows share."""

from __future__ import annotations

import pytest

from onwatch.incidents import InvalidInput
from onwatch.incidents.matching import (
    MATCH_KEYS,
    SILENCE_KEYS,
    check_matchers,
    describe_matchers,
    glob_match,
    incident_fields,
)
from tests.incidents.test_silences import new_incident


def test_every_key_a_matcher_may_name_is_a_field_of_the_incident() -> None:
    assert set(incident_fields(new_incident())) == MATCH_KEYS
    assert SILENCE_KEYS < MATCH_KEYS


@pytest.mark.parametrize(
    ("matchers", "expected"),
    [
        ({}, True),
        ({"source": "web-*"}, True),
        ({"source": "web-*", "check": "db"}, False),
        ({"severity": "CRIT*"}, True),
        ({"source": "WEB-01"}, False),  # names are case-sensitive, enum values are not
        ({"priority": "p[12]", "category": "LATENCY"}, True),
    ],
)
def test_globs_match_every_field_they_name(matchers: dict[str, str], expected: bool) -> None:
    assert glob_match(matchers, new_incident()) is expected


def test_plain_fields_match_and_a_missing_field_does_not() -> None:
    assert glob_match({"source": "web-*"}, {"source": "web-02", "check": "api"})
    assert not glob_match({"metric": "*"}, {"source": "web-02"})


def test_a_glob_that_can_match_no_enum_value_is_refused() -> None:
    with pytest.raises(InvalidInput, match="matches none of critical, warning, info"):
        check_matchers({"severity": "crit"}, SILENCE_KEYS, what="a silence")
    with pytest.raises(InvalidInput, match="cannot match on 'category'"):
        check_matchers({"category": "latency"}, SILENCE_KEYS, what="a silence")
    assert check_matchers({"severity": "warn*"}, SILENCE_KEYS, what="a silence") == {
        "severity": "warn*"
    }


def test_matchers_are_described_in_the_form_the_cli_takes() -> None:
    assert describe_matchers({"source": "web-*", "check": "api"}) == "check=api source=web-*"
    assert describe_matchers({}) == "everything"
