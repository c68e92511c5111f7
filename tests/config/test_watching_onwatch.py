"""`[heartbeat]` and `actions = [...]`: what they build, and every mistake as one line."""

from __future__ import annotations

from datetime import timedelta
from textwrap import dedent

from onwatch.config import parse_config, summarize
from onwatch.engine.specs import Action, HeartbeatSpec
from tests.config.conftest import FILE, problems

GOOD = dedent(
    """\
    [local]
    enabled = false

    [defaults]
    actions = [{ on = "resolve", run = ["true"] }]

    [heartbeat]
    url = "https://hc.example/ping/0f3c-secret-uuid"
    interval = "30s"

    [[http]]
    name = "api"
    url = "http://127.0.0.1:1/"
    actions = [
      { on = "critical", run = ["systemctl", "restart", "nginx"], timeout = "45s" },
      { on = "escalate", run = ["no-such-program-here"], drill = true },
    ]

    [[tcp]]
    name = "db"
    host = "127.0.0.1"
    port = 5432
    """
)


def test_heartbeat_and_actions_are_built_with_defaults_filling_in() -> None:
    config = parse_config(GOOD, FILE, {})
    assert config.heartbeat == HeartbeatSpec(
        "https://hc.example/ping/0f3c-secret-uuid", timedelta(seconds=30)
    )
    api, db = config.watches
    assert api.actions == (
        Action("critical", ("systemctl", "restart", "nginx"), timedelta(seconds=45)),
        Action("escalate", ("no-such-program-here",), drill=True),
    )
    # A check without actions of its own takes [defaults]'.
    assert db.actions == (Action("resolve", ("true",)),)
    assert config.default_actions == (Action("resolve", ("true",)),)


def test_check_config_lists_actions_reports_a_missing_program_and_hides_the_heartbeat_url() -> None:
    lines = summarize(parse_config(GOOD, FILE, {}))
    text = "\n".join(lines)
    assert "  action on critical: systemctl restart nginx (timeout 45s)" in lines
    assert (
        "  action on escalate: no-such-program-here (timeout 30s, also for drills);"
        " MISSING executable no-such-program-here"
    ) in lines
    assert "heartbeat: every 30s while healthy" in lines
    assert "secret-uuid" not in text


def test_every_bad_heartbeat_and_action_is_one_line_with_file_and_line() -> None:
    text = dedent(
        """\
        [heartbeat]
        url = "ftp://example.com/ping"

        [[http]]
        name = "api"
        url = "http://127.0.0.1:1/"
        actions = [{ on = "sometimes", run = ["true"] }]

        [[tcp]]
        name = "db"
        host = "127.0.0.1"
        port = 1
        actions = [{ on = "open", run = [] }]

        [defaults]
        actions = [{ on = "open", run = ["true"], timeout = "11m" }]
        """
    )
    assert problems(text) == [
        f'{FILE}:2: heartbeat.url: expected an http:// or https:// URL, got "ftp://"',
        f"{FILE}:7: http[0].actions[0].on: expected one of open, critical, warning, escalate,"
        ' resolve, got "sometimes"',
        f"{FILE}:13: tcp[0].actions[0].run: must not be empty",
        f'{FILE}:16: defaults.actions[0].timeout: must be above 0s and at most 10m, got "11m"',
    ]


def test_a_heartbeat_needs_a_url() -> None:
    assert problems('[heartbeat]\ninterval = "1m"\n') == [
        f"{FILE}:1: heartbeat.url: required key is missing"
    ]


def test_only_a_written_desktop_true_asks_for_popups() -> None:
    assert parse_config("[notify]\ndesktop = true\n", FILE, {}).notify.desktop_asked
    assert not parse_config('[notify]\nrenotify = "30m"\n', FILE, {}).notify.desktop_asked
    assert not parse_config("[notify]\ndesktop = false\n", FILE, {}).notify.desktop_asked
