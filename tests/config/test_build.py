"""What a valid config turns into: the built-in default, merged thresholds, HTTP and TCP checks."""

from __future__ import annotations

import os
import pwd
import socket
from datetime import timedelta
from pathlib import Path
from textwrap import dedent

import pytest

from onwatch.collectors.specs import HttpCheck, LocalCheck, TcpCheck
from onwatch.config import Config, default_config, parse_config
from onwatch.engine.specs import Watch
from onwatch.incidents.model import Category
from onwatch.incidents.rules import Threshold

SECONDS_30 = timedelta(seconds=30)


def parse(text: str, env: dict[str, str] | None = None, file: str = "onwatch.toml") -> Config:
    return parse_config(dedent(text), file, env or {})


def local_watch(config: Config) -> Watch:
    (watch,) = [w for w in config.watches if isinstance(w.probe, LocalCheck)]
    return watch


def test_default_config_watches_this_host_with_built_in_thresholds() -> None:
    config = default_config({"USER": "alice"})
    assert config.file is None
    assert config.operator == "alice"
    assert config.db is None
    assert config.interval == timedelta(seconds=10)
    assert config.timeout == timedelta(seconds=10)
    assert config.channels == {}
    assert config.escalation == ()
    assert config.warnings == ()
    assert config.bell is False
    (watch,) = config.watches
    assert watch.probe == LocalCheck(processes=())
    assert watch.source == socket.gethostname()
    assert watch.interval == timedelta(seconds=10)
    assert watch.rules == {
        "cpu": Threshold(warning=70, critical=80, for_=SECONDS_30, unit="%"),
        "memory": Threshold(warning=65, critical=75, unit="%"),
        "swap": Threshold(critical=50, unit="%"),
        "disk": Threshold(warning=80, critical=90, unit="%"),
        "load": Threshold(warning=1.5, critical=2.0, unit=""),
    }


def test_operator_falls_back_to_the_login_name_without_user() -> None:
    assert default_config({}).operator == pwd.getpwuid(os.getuid()).pw_name
    assert default_config({"LOGNAME": "lee"}).operator == "lee"


def test_empty_file_is_the_built_in_default_with_its_path() -> None:
    config = parse("")
    assert config.file == Path("onwatch.toml")
    assert config.watches == default_config({}).watches


def test_partial_metric_table_is_merged_over_the_built_in_rule() -> None:
    config = parse(
        """
        [local]
        cpu = { critical = 90 }
        memory = { for = "1m", clear = 60 }
        """
    )
    rules = local_watch(config).rules
    assert rules["cpu"] == Threshold(warning=70, critical=90, for_=SECONDS_30, unit="%")
    assert rules["memory"] == Threshold(
        warning=65, critical=75, for_=timedelta(minutes=1), clear=60, unit="%"
    )
    assert config.warnings == ()


def test_false_turns_a_metric_rule_off() -> None:
    rules = local_watch(parse("[local]\ncpu = false\nswap = true\n")).rules
    assert "cpu" not in rules
    assert rules["swap"] == Threshold(critical=50, unit="%")


def test_built_in_level_that_clashes_with_a_given_one_is_dropped_with_a_warning() -> None:
    config = parse("[local]\ncpu = { critical = 60 }\n")
    assert local_watch(config).rules["cpu"] == Threshold(critical=60, for_=SECONDS_30, unit="%")
    assert [str(w) for w in config.warnings] == [
        "onwatch.toml:2: local.cpu.critical: built-in warning 70% dropped: "
        "it is not below critical 60%"
    ]


def test_local_can_be_disabled_and_its_name_reused() -> None:
    config = parse(
        """
        [local]
        enabled = false

        [[tcp]]
        name = "local"
        host = "127.0.0.1"
        port = 22
        """
    )
    assert [w.name for w in config.watches] == ["local"]
    assert isinstance(config.watches[0].probe, TcpCheck)


def test_top_level_settings_and_defaults_flow_into_checks(tmp_path: Path) -> None:
    config = parse(
        """
        operator = "bob"
        db = "~/incidents/onwatch.json"

        [defaults]
        interval = "30s"
        timeout = "3s"

        [local]
        processes = ["nginx", "postgres", "nginx"]

        [[tcp]]
        name = "db"
        host = "db.internal"
        port = 5432
        """,
        env={"HOME": str(tmp_path), "USER": "alice"},
    )
    assert config.operator == "bob"
    assert config.db == tmp_path / "incidents" / "onwatch.json"
    assert config.interval == timedelta(seconds=30)
    local, tcp = config.watches
    assert local.probe == LocalCheck(processes=("nginx", "postgres"))
    assert local.interval == timedelta(seconds=30)
    assert tcp == Watch(TcpCheck("db", "db.internal", 5432, timedelta(seconds=3)), SECONDS_30)


def test_relative_db_path_is_taken_from_the_config_file_folder(tmp_path: Path) -> None:
    config = parse('db = "state/onwatch.json"', file=str(tmp_path / "onwatch.toml"))
    assert config.db == tmp_path / "state" / "onwatch.json"


def test_http_check_with_every_option() -> None:
    config = parse(
        """
        [[http]]
        name = "api"
        url = "https://api.example.com/health"
        method = "post"
        headers = { Authorization = "Bearer t0k" }
        interval = "1m"
        timeout = "5s"
        status = [200, 204]
        body_contains = "ok"
        json = { "data.status" = "up", checks.db = true }
        verify = false
        latency = { warning = "500ms", critical = "2s", for = "1m" }
        cert_expiry = { warning = "21d", critical = "7d" }
        runbook = "https://wiki.example.com/api"
        """
    )
    _, watch = config.watches
    assert watch.probe == HttpCheck(
        name="api",
        url="https://api.example.com/health",
        method="POST",
        headers={"Authorization": "Bearer t0k"},
        timeout=timedelta(seconds=5),
        status=(200, 204),
        body_contains="ok",
        json={"data.status": "up", "checks.db": True},
        verify=False,
    )
    assert watch.interval == timedelta(minutes=1)
    assert watch.rules == {
        "latency": Threshold(
            warning=0.5,
            critical=2.0,
            for_=timedelta(minutes=1),
            category=Category.LATENCY,
            unit="s",
        ),
        "cert_days": Threshold(
            warning=21, critical=7, below=True, category=Category.CERTIFICATE, unit="d"
        ),
    }
    assert config.runbooks == {"api": "https://wiki.example.com/api"}


def test_http_check_defaults_and_no_latency_rule_unless_configured() -> None:
    config = parse(
        """
        [defaults]
        timeout = "4s"

        [[http]]
        name = "site"
        url = "http://example.com"
        """
    )
    _, watch = config.watches
    assert watch.probe == HttpCheck("site", "http://example.com", timeout=timedelta(seconds=4))
    assert watch.interval == timedelta(seconds=10)
    assert watch.rules == {}


def test_notify_channels_and_bell() -> None:
    config = parse(
        """
        [notify]
        bell = true

        [notify.channels]
        ops = "mailto://ops@example.com"
        chat = "${SLACK_URL}"
        """,
        env={"SLACK_URL": "slack://T000/B000/XXXX"},
    )
    assert config.bell is True
    assert config.channels == {"ops": "mailto://ops@example.com", "chat": "slack://T000/B000/XXXX"}
    assert config.escalation == ()


@pytest.mark.parametrize("mapping", ["channels", "runbooks"])
def test_config_mappings_are_read_only(mapping: str) -> None:
    config = parse('[notify.channels]\nops = "mailto://ops@example.com"\n')
    with pytest.raises(TypeError):
        getattr(config, mapping)["x"] = "y"
