"""`[[agent]]` and `[[prometheus]]`: remote hosts with the same thresholds as this one."""

from __future__ import annotations

from textwrap import dedent

import pytest

from onwatch.collectors.specs import AgentCheck, PrometheusCheck
from onwatch.config import ConfigError, parse_config


def parse(text: str, env: dict[str, str] | None = None):
    return parse_config(dedent(text), "remote.toml", env or {})


def errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse(text)
    return [str(p) for p in caught.value.problems]


def test_agent_with_token_from_the_environment_and_merged_thresholds() -> None:
    config = parse(
        """
        [[agent]]
        name = "db1"
        url = "http://10.0.0.5:9108"
        token = "${DB1_TOKEN}"
        cpu = { critical = 95 }
        swap = false
        """,
        {"DB1_TOKEN": "t0k3n"},
    )
    watch = next(w for w in config.watches if isinstance(w.probe, AgentCheck))
    assert watch.probe.token == "t0k3n"
    assert (watch.rules["cpu"].warning, watch.rules["cpu"].critical) == (70, 95)
    assert "swap" not in watch.rules
    assert "t0k3n" not in repr(watch.probe)


def test_prometheus_with_an_extra_rule_where_low_is_bad() -> None:
    config = parse(
        """
        [[prometheus]]
        name = "node1"
        url = "http://127.0.0.1:9100/metrics"
        rules = [{ metric = "node_network_up", labels = { device = "eth0" }, critical = 0.5, below = true }]
        """
    )
    watch = next(w for w in config.watches if isinstance(w.probe, PrometheusCheck))
    (rule,) = watch.probe.rules
    assert (rule.metric, dict(rule.labels)) == ("node_network_up", {"device": "eth0"})
    assert watch.rules["node_network_up"].below
    assert watch.rules["node_network_up"].level_of(0).value == "critical"
    assert watch.rules["memory"].critical == 75


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[agent]]\nname = "db1"\n', "remote.toml:1: agent[0].url: required key is missing"),
        (
            '[[agent]]\nname = "db1"\nurl = "http://x:9108"\ncpu = { critcal = 9 }\n',
            "remote.toml:4: agent[0].cpu.critcal: unknown key",
        ),
        (
            '[[prometheus]]\nname = "n"\nurl = "http://x/metrics"\nrules = [{ metric = "bad name" }]\n',
            "remote.toml:4: prometheus[0].rules[0].metric: expected a Prometheus metric name",
        ),
        (
            '[[prometheus]]\nname = "n"\nurl = "http://x/metrics"\nrules = [{ metric = "m", warning = 5, critical = 1 }]\n',
            "remote.toml:4: prometheus[0].rules[0]: warning must not be above critical",
        ),
        (
            '[[agent]]\nname = "a"\nurl = "http://x"\n[[prometheus]]\nname = "a"\nurl = "http://y"\n',
            "remote.toml:5: prometheus[0].name",
        ),
    ],
)
def test_remote_config_errors(text: str, expected: str) -> None:
    assert any(line.startswith(expected) for line in errors(text)), errors(text)
