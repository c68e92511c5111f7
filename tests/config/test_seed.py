"""The seed JSON format keeps working: thresholds, channel names and escalation."""

from __future__ import annotations

from pathlib import Path

import pytest

from onwatch.config import Config, default_config, load_config, parse_config
from onwatch.incidents.rules import Threshold
from tests.config.conftest import SEED

SHARED_SEED = Path("/work/shared/examples/seed-config.json")


def check_seed(config: Config, file: str) -> None:
    (watch,) = config.watches
    built_in = default_config({}).watches[0].rules
    assert watch.rules["cpu"] == Threshold(
        warning=70, critical=80, for_=built_in["cpu"].for_, unit="%"
    )
    assert watch.rules["memory"] == Threshold(warning=65, critical=75, unit="%")
    for metric in ("swap", "disk", "load"):
        assert watch.rules[metric] == built_in[metric]
    assert config.channels == {"email": "", "slack": "", "teamLead": "", "ITSupport": ""}
    assert config.escalation == ("teamLead", "ITSupport")
    assert [str(w) for w in config.warnings] == [
        f'{file}:7: notification.channels: channel "email" has no address yet; '
        "add it under [notify.channels] in a TOML config",
        f'{file}:7: notification.channels: channel "slack" has no address yet; '
        "add it under [notify.channels] in a TOML config",
        f'{file}:8: notification.escalation: escalation step "teamLead" is neither a role nor a '
        'channel with an address; add it under "roles" here or [notify.channels] in a TOML config',
        f'{file}:8: notification.escalation: escalation step "ITSupport" is neither a role nor a '
        'channel with an address; add it under "roles" here or [notify.channels] in a TOML config',
    ]


def test_seed_copy_in_the_repository_loads() -> None:
    config = load_config(SEED, {})
    assert config.file == SEED
    check_seed(config, str(SEED))


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared examples are not on this machine")
def test_shared_seed_file_loads() -> None:
    check_seed(load_config(SHARED_SEED, {}), str(SHARED_SEED))


def test_seed_text_is_recognised_without_a_json_file_name() -> None:
    config = parse_config(SEED.read_text(encoding="utf-8"), "seed.conf", {})
    assert config.escalation == ("teamLead", "ITSupport")


def test_seed_critical_below_built_in_warning_drops_the_warning() -> None:
    config = parse_config('{"alertCriteria": {"cpuThreshold": 60}}', "s.json", {})
    rule = config.watches[0].rules["cpu"]
    assert (rule.warning, rule.critical) == (None, 60)
    assert [str(w) for w in config.warnings] == [
        "s.json:1: alertCriteria.cpuThreshold: built-in warning 70% dropped: "
        "it is not below critical 60%"
    ]


def test_empty_seed_object_is_the_built_in_default() -> None:
    config = parse_config("{}", "s.json", {"USER": "alice"})
    assert config.watches == default_config({}).watches
    assert config.operator == "alice"
    assert config.warnings == ()
