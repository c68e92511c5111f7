"""`[roles]` and `[lifecycle]`: who takes part and how they are told, with line-numbered
problems and a check-config summary that names members but never an address."""

from __future__ import annotations

from textwrap import dedent

import pytest

from onwatch.config import ConfigError, parse_config, summarize
from onwatch.incidents.people import Role

FILE = "onwatch.toml"
SECRET = "t0ken-in-the-url"

ROLES = f"""
[notify.channels]
oncall = "json://127.0.0.1:9/oncall?token={SECRET}"

[roles]
service_desk = {{ members = ["ana", "ben"], notify = ["oncall"] }}
it_support = {{ members = ["carl"], notify = ["json://127.0.0.1:9/it?token=${{IT_TOKEN}}"] }}

[[escalation]]
name = "everything"
steps = [{{ after = "0m", notify = ["service_desk"] }}, {{ after = "15m", notify = ["it_support"] }}]

[lifecycle]
resolution_required = true
"""


def errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(dedent(text), FILE, {})
    return [str(problem) for problem in raised.value.problems]


def test_roles_are_built_with_members_and_targets_and_the_lifecycle_setting() -> None:
    config = parse_config(ROLES, FILE, {"IT_TOKEN": SECRET})
    assert config.notify.roles == (
        Role("service_desk", ("ana", "ben"), ("oncall",)),
        Role("it_support", ("carl",), (f"json://127.0.0.1:9/it?token={SECRET}",)),
    )
    assert [step.notify for step in config.notify.policies[0].steps] == [
        ("service_desk",),
        ("it_support",),
    ]
    assert config.resolution_required is True


def test_check_config_lists_roles_and_members_and_no_url() -> None:
    lines = summarize(parse_config(ROLES, FILE, {"IT_TOKEN": SECRET}))
    assert "role service_desk: ana, ben; notifies oncall" in lines
    assert "role it_support: carl; notifies 1 address" in lines
    assert "lifecycle: closing needs a resolution" in lines
    text = "\n".join(lines)
    assert SECRET not in text and "127.0.0.1" not in text


def test_resolution_is_not_required_by_default() -> None:
    assert parse_config("", FILE, {}).resolution_required is False


def test_a_role_named_like_a_channel_is_an_error_at_the_role() -> None:
    assert errors(
        """
        [notify.channels]
        oncall = "json://127.0.0.1:9/x"
        [roles]
        oncall = { members = ["ana"] }
        """
    ) == [f'{FILE}:5: roles.oncall: "oncall" is a channel too; give the role another name']


def test_an_unknown_escalation_name_names_roles_too() -> None:
    assert errors(
        """
        [roles]
        it_support = { members = ["carl"] }
        [[escalation]]
        name = "all"
        steps = [{ after = "0m", notify = ["it_suport"] }]
        """
    ) == [
        f"{FILE}:6: escalation[0].steps[0].notify[0]: "
        'unknown channel or role "it_suport"; did you mean "it_support"?'
    ]


def test_a_bad_role_url_is_an_error_that_never_repeats_it() -> None:
    problems = errors(
        f"""
        [roles]
        it_support = {{ notify = ["nonsense://{SECRET}@host"] }}
        """
    )
    assert problems == [
        f"{FILE}:3: roles.it_support.notify[0]: not a notification URL apprise understands"
    ]


def test_a_role_naming_an_unknown_channel_is_an_error() -> None:
    assert errors(
        """
        [notify.channels]
        oncall = "json://127.0.0.1:9/x"
        [roles]
        desk = { notify = ["oncal"] }
        """
    ) == [f'{FILE}:5: roles.desk.notify[0]: unknown channel "oncal"; did you mean "oncall"?']


def test_seed_json_escalation_names_resolve_to_roles_without_warnings() -> None:
    seed = """{
      "alertCriteria": {"cpuThreshold": 80, "memoryThreshold": 75},
      "notification": {"channels": ["email", "slack"], "escalation": ["teamLead", "ITSupport"]},
      "roles": {
        "teamLead": {"members": ["ana"], "notify": ["json://127.0.0.1:9/lead"]},
        "ITSupport": {"members": ["carl", "dee"], "notify": ["json://127.0.0.1:9/it"]}
      }
    }"""
    config = parse_config(seed, "seed.json", {})
    assert [role.name for role in config.notify.roles] == ["teamLead", "ITSupport"]
    warned = " ".join(str(problem) for problem in config.warnings)
    assert "teamLead" not in warned and "ITSupport" not in warned
    assert "role ITSupport: carl, dee; notifies 1 address" in summarize(config)
