"""`forecast` on hosts and `[defaults]`, `anomaly` on any check."""

from __future__ import annotations

from datetime import timedelta

from onwatch.collectors.specs import AgentCheck, HttpCheck, TcpCheck
from onwatch.config import default_config, summarize
from onwatch.incidents.forecast import ForecastSpec
from tests.config.conftest import problems
from tests.config.test_build import local_watch, parse


def by_kind(config, kind):  # type: ignore[no-untyped-def]
    (watch,) = [w for w in config.watches if isinstance(w.probe, kind)]
    return watch


def test_this_host_forecasts_disk_and_memory_by_default() -> None:
    watch = local_watch(default_config({"USER": "alice"}))
    assert watch.forecast == ForecastSpec()
    assert watch.forecast.metrics == {"disk", "memory"}
    assert watch.forecast.horizon == timedelta(hours=24)
    assert watch.forecast.window == timedelta(hours=6)
    assert watch.anomaly is False


def test_forecast_table_on_local_sets_horizon_window_and_metrics() -> None:
    config = parse(
        """
        [local]
        forecast = { horizon = "12h", window = "2h", metrics = ["disk", "swap"] }
        anomaly = true
        """
    )
    watch = local_watch(config)
    assert watch.forecast == ForecastSpec(
        timedelta(hours=12), timedelta(hours=2), frozenset({"disk", "swap"})
    )
    assert watch.anomaly is True


def test_forecast_false_turns_it_off() -> None:
    assert local_watch(parse("[local]\nforecast = false\n")).forecast is None
    assert local_watch(parse("[defaults]\nforecast = false\n")).forecast is None


def test_defaults_forecast_applies_to_remote_hosts_too() -> None:
    config = parse(
        """
        [defaults]
        forecast = { horizon = "48h" }

        [[agent]]
        name = "db1"
        url = "http://db1:9108"

        [[agent]]
        name = "db2"
        url = "http://db2:9108"
        forecast = { window = "1h" }
        """
    )
    agents = [w for w in config.watches if isinstance(w.probe, AgentCheck)]
    assert [a.forecast.horizon for a in agents] == [timedelta(hours=48)] * 2
    assert agents[1].forecast.window == timedelta(hours=1)
    assert local_watch(config).forecast.horizon == timedelta(hours=48)


def test_remote_hosts_do_not_forecast_unless_asked() -> None:
    config = parse('[[agent]]\nname = "db1"\nurl = "http://db1:9108"\n')
    assert by_kind(config, AgentCheck).forecast is None


def test_anomaly_is_opt_in_on_http_and_tcp_checks() -> None:
    config = parse(
        """
        [[http]]
        name = "api"
        url = "https://api.example/health"
        anomaly = true

        [[tcp]]
        name = "db"
        host = "db.example"
        port = 5432
        """
    )
    assert by_kind(config, HttpCheck).anomaly is True
    assert by_kind(config, TcpCheck).anomaly is False


def test_bad_forecast_settings_are_one_line_each() -> None:
    found = problems(
        """
[local]
forecast = { horizon = "soon", metrics = ["disk", "bogus"] }
"""
    )
    assert any(p.startswith("onwatch.toml:3: local.forecast.horizon") for p in found), found
    assert any("bogus" in p and "unknown metric" in p for p in found), found


def test_forecast_on_an_http_check_is_an_unknown_key() -> None:
    found = problems('[[http]]\nname = "api"\nurl = "https://api.example/"\nforecast = true\n')
    assert any("forecast" in p and "unknown key" in p for p in found), found


def test_check_config_summary_names_forecasts_and_anomalies() -> None:
    config = parse(
        """
        [[agent]]
        name = "db1"
        url = "http://db1:9108"
        forecast = { horizon = "12h", window = "3h" }

        [[tcp]]
        name = "db"
        host = "db.example"
        port = 5432
        anomaly = true
        """
    )
    text = "\n".join(summarize(config))
    assert "agent db1" in text, text
    assert "forecast disk, memory 12h ahead from the last 3h" in text
    assert "tcp db: connect db.example:5432 every 10s, anomalies flagged" in text
