"""`[notify]`, `[[escalation]]` and `[[maintenance]]` -> `Config.notify` (NotifySettings)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from textwrap import dedent
from zoneinfo import ZoneInfo

import pytest

from onwatch.config import Config, ConfigError, default_config, parse_config, summarize
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Severity
from onwatch.incidents.escalation import EscalationPolicy, Step
from onwatch.incidents.silences import Maintenance, WeeklyWindow
from onwatch.notify.channels import Channel
from tests.config.conftest import FILE, SEED, problems

FULL = """
[notify]
bell = true
desktop = true
renotify = "30m"
renotify_backoff = 2.0
ack_timeout = "2h"
send_resolved = false
storm_threshold = 10

[notify.channels]
oncall = "slack://${SLACK_TOKEN}/#oncall"
teamLead = { url = "mailto://lead@example.com", min_severity = "critical", send_resolved = true }
ITSupport = { url = "json://127.0.0.1:8080/hook" }

[[escalation]]
name = "web critical"
match = { severity = "critical", source = "web-*" }
repeat = 0
steps = [
    { after = "0m", notify = ["oncall"] },
    { after = "15m", notify = ["teamLead"] },
    { after = "30m", notify = ["ITSupport"] },
]

[[maintenance]]
name = "db patching"
match = { source = "db-*" }
start = "2026-12-01T02:00:00Z"
end = "2026-12-01T04:00:00Z"

[[maintenance]]
name = "weekly backups"
match = { check = "backup*" }
days = ["sat", "sun"]
from = "02:00"
to = "04:00"
timezone = "Europe/Berlin"
"""

SECRET = "xoxbSECRET1234token"
ENV = {"SLACK_TOKEN": f"T0001/B0002/{SECRET}"}
SLACK_URL = f"slack://T0001/B0002/{SECRET}/#oncall"

# Two channels for the malformed cases to refer to.
CHANNELS = """
[notify.channels]
oncall = "json://127.0.0.1/hook"
teamLead = "mailto://lead@example.com"
"""


def parse(text: str, env: dict[str, str] | None = None) -> Config:
    return parse_config(dedent(text), FILE, env if env is not None else ENV)


def test_full_example_builds_channels_policies_and_windows() -> None:
    config = parse(FULL)
    notify = config.notify
    assert notify.channels == (
        Channel("oncall", SLACK_URL),
        Channel("teamLead", "mailto://lead@example.com", Severity.CRITICAL, send_resolved=True),
        Channel("ITSupport", "json://127.0.0.1:8080/hook"),
    )
    assert notify.policies == (
        EscalationPolicy(
            "web critical",
            {"severity": "critical", "source": "web-*"},
            (
                Step(timedelta(0), ("oncall",)),
                Step(timedelta(minutes=15), ("teamLead",)),
                Step(timedelta(minutes=30), ("ITSupport",)),
            ),
            repeat=0,
        ),
    )
    assert notify.maintenance == (
        Maintenance(
            {"source": "db-*"},
            datetime(2026, 12, 1, 2, tzinfo=UTC),
            datetime(2026, 12, 1, 4, tzinfo=UTC),
            name="db patching",
        ),
        Maintenance(
            {"check": "backup*"},
            weekly=WeeklyWindow(
                frozenset({"sat", "sun"}), time(2), time(4), ZoneInfo("Europe/Berlin")
            ),
            name="weekly backups",
        ),
    )
    assert notify.desktop is True
    assert notify.renotify == timedelta(minutes=30)
    assert notify.renotify_backoff == 2.0
    assert notify.ack_timeout == timedelta(hours=2)
    assert notify.storm_threshold == 10
    # The older fields keep their meaning for the code that reads them.
    assert config.bell is True
    assert config.channels == {
        "oncall": SLACK_URL,
        "teamLead": "mailto://lead@example.com",
        "ITSupport": "json://127.0.0.1:8080/hook",
    }
    assert config.escalation == ()
    assert config.warnings == ()


def test_full_example_summary() -> None:
    lines = summarize(parse(FULL))
    assert lines[4:] == [
        "channels: oncall (slack), teamLead (mailto, min_severity critical, send_resolved), "
        "ITSupport (json)",
        "notify: desktop on, renotify every 30m (backoff x2), ack timeout 2h, storm threshold 10",
        "escalation web critical (severity=critical, source=web-*): "
        "0m oncall -> 15m teamLead -> 30m ITSupport, repeat 0",
        "maintenance db patching (source=db-*) 2026-12-01T02:00:00Z to 2026-12-01T04:00:00Z",
        "maintenance weekly backups (check=backup*) sat,sun 02:00-04:00 Europe/Berlin",
        "bell: rings on new incidents",
    ]


def test_no_notify_section_gives_the_default_settings() -> None:
    assert default_config({}).notify == NotifySettings()
    assert parse('operator = "alice"\n').notify == NotifySettings()
    assert parse("[notify]\nbell = true\n").notify == NotifySettings()


def test_notify_settings_other_than_defaults() -> None:
    notify = parse(
        """
        [notify]
        desktop = false
        renotify = "1m"
        storm_threshold = 3
        """
    ).notify
    assert (notify.desktop, notify.renotify, notify.renotify_backoff) == (
        False,
        timedelta(minutes=1),
        1.0,
    )
    assert (notify.ack_timeout, notify.storm_threshold) == (None, 3)


def test_send_resolved_is_the_default_for_channels_that_do_not_say() -> None:
    notify = parse(
        """
        [notify]
        send_resolved = true

        [notify.channels]
        ops = "json://127.0.0.1/a"
        quiet = { url = "json://127.0.0.1/b", send_resolved = false }
        """
    ).notify
    assert [(c.name, c.send_resolved) for c in notify.channels] == [("ops", True), ("quiet", False)]


def test_channel_as_a_sub_table() -> None:
    config = parse(
        """
        [notify.channels.pager]
        url = "json://127.0.0.1/pager"
        min_severity = "Warning"
        """
    )
    assert config.notify.channels == (Channel("pager", "json://127.0.0.1/pager", Severity.WARNING),)


def test_maintenance_accepts_toml_date_times_local_times_and_day_names() -> None:
    notify = parse(
        """
        [[maintenance]]
        match = { source = "db-*", severity = "warning" }
        start = 2026-12-01T02:00:00+01:00
        end = 2026-12-01T04:00:00+01:00

        [[maintenance]]
        match = { metric = "disk" }
        days = ["Saturday", "sun"]
        from = 23:00:00
        to = 01:30:00
        """
    ).notify
    one_off, weekly = notify.maintenance
    plus_one = timezone(timedelta(hours=1))
    assert (one_off.start, one_off.end) == (
        datetime(2026, 12, 1, 2, tzinfo=plus_one),
        datetime(2026, 12, 1, 4, tzinfo=plus_one),
    )
    assert one_off.name == "#1"
    # No timezone key: the window runs in UTC.
    assert weekly.weekly == WeeklyWindow(frozenset({"sat", "sun"}), time(23), time(1, 30))
    assert weekly.describe() == "maintenance #2 (metric=disk) sat,sun 23:00-01:30 UTC"


def test_policies_keep_config_order_and_may_match_everything() -> None:
    notify = parse(
        CHANNELS
        + """
        [[escalation]]
        name = "p1"
        match = { priority = "P1", category = "availability" }
        repeat = 2
        steps = [{ after = "5m", notify = ["oncall", "teamLead"] }]

        [[escalation]]
        name = "rest"
        steps = [{ after = "0m", notify = ["teamLead"] }]
        """
    ).notify
    assert [p.name for p in notify.policies] == ["p1", "rest"]
    assert notify.policies[0].repeat == 2
    assert notify.policies[0].steps == (Step(timedelta(minutes=5), ("oncall", "teamLead")),)
    assert notify.policies[1].match == {}
    lines = summarize(parse_config(dedent(CHANNELS), FILE, {}))
    assert "notify: desktop on, no renotify, no ack timeout, storm threshold 10" in lines


def test_seed_escalation_becomes_a_policy_naming_channels_without_address() -> None:
    config = parse_config(SEED.read_text(encoding="utf-8"), "seed.json", {})
    assert config.notify.policies == (
        EscalationPolicy(
            "seed escalation",
            {},
            (
                Step(timedelta(0), ("teamLead",)),
                Step(timedelta(minutes=15), ("ITSupport",)),
            ),
        ),
    )
    # Nothing can be sent to a channel without an address, so only the names are kept.
    assert config.notify.channels == ()
    assert config.channels == {"email": "", "slack": "", "teamLead": "", "ITSupport": ""}
    assert config.escalation == ("teamLead", "ITSupport")
    assert len(config.warnings) == 4


def test_seed_without_escalation_has_no_policy() -> None:
    config = parse_config('{"notification": {"channels": ["email"]}}', "s.json", {})
    assert config.notify.policies == ()


CASES = [
    pytest.param(
        CHANNELS
        + """
        [[escalation]]
        name = "web"
        steps = [{ after = "0m", notify = ["teamlaed"] }]
        """,
        [
            "onwatch.toml:8: escalation[0].steps[0].notify[0]: "
            'unknown channel or role "teamlaed"; did you mean "teamLead"?'
        ],
        id="unknown-step-channel-with-suggestion",
    ),
    pytest.param(
        CHANNELS
        + """
        [[escalation]]
        name = "web"
        steps = [{ after = "0m", notify = ["pager"] }]
        """,
        [
            "onwatch.toml:8: escalation[0].steps[0].notify[0]: "
            'unknown channel or role "pager"; configured channels and roles are oncall, teamLead'
        ],
        id="unknown-step-channel-lists-channels",
    ),
    pytest.param(
        """
        [[escalation]]
        name = "web"
        steps = [{ after = "0m", notify = ["pager"] }]
        """,
        [
            "onwatch.toml:4: escalation[0].steps[0].notify[0]: "
            'unknown channel or role "pager"; add it under [notify.channels] or [roles]'
        ],
        id="step-channel-without-any-channels",
    ),
    pytest.param(
        """
        [notify.channels]
        lead = { url = "mailto://lead@example.com", min_severity = "high" }
        """,
        [
            "onwatch.toml:3: notify.channels.lead.min_severity: "
            'expected one of critical, warning, info, got "high"'
        ],
        id="bad-min-severity",
    ),
    pytest.param(
        """
        [notify]
        renotify = "half an hour"
        ack_timeout = "30s"
        """,
        [
            'onwatch.toml:3: notify.renotify: expected a duration like "30s", got "half an hour"',
            'onwatch.toml:4: notify.ack_timeout: must be at least 1m, got "30s"',
        ],
        id="bad-renotify-and-ack-timeout",
    ),
    pytest.param(
        """
        [notify]
        renotify_backoff = 2.0
        """,
        ['onwatch.toml:3: notify.renotify_backoff: needs renotify too, e.g. renotify = "30m"'],
        id="backoff-without-renotify",
    ),
    pytest.param(
        """
        [notify]
        renotify = "30m"
        renotify_backoff = 0.5
        storm_threshold = 0
        """,
        [
            "onwatch.toml:4: notify.renotify_backoff: must be at least 1, got 0.5",
            "onwatch.toml:5: notify.storm_threshold: must be at least 1, got 0",
        ],
        id="backoff-below-one-and-storm-threshold-zero",
    ),
    pytest.param(
        CHANNELS
        + """
        [[escalation]]
        name = "web"
        steps = [
            { after = "15m", notify = ["oncall"] },
            { after = "5m", notify = ["teamLead"] },
        ]
        """,
        [
            "onwatch.toml:10: escalation[0].steps[1].after: "
            "steps must be in order of `after`, each later than the one before"
        ],
        id="steps-out-of-order",
    ),
    pytest.param(
        CHANNELS
        + """
        [[escalation]]
        name = "web"
        steps = []
        """,
        ["onwatch.toml:8: escalation[0].steps: must not be empty"],
        id="empty-steps",
    ),
    pytest.param(
        CHANNELS
        + """
        [[escalation]]
        name = "web"
        match = { sevrity = "critical", severity = "crit" }
        steps = [{ after = "0m", notify = ["oncall"] }]
        """,
        [
            'onwatch.toml:8: escalation[0].match.sevrity: unknown key; did you mean "severity"?',
            "onwatch.toml:8: escalation[0].match.severity: "
            "severity pattern 'crit' matches none of critical, warning, info",
        ],
        id="unknown-match-key-and-impossible-severity",
    ),
    pytest.param(
        CHANNELS
        + """
        [[escalation]]
        name = "web"
        repeat = 2
        steps = [{ after = "0m", notify = ["oncall"] }]
        """,
        [
            "onwatch.toml:8: escalation[0].repeat: a single step at 0 has nothing to repeat "
            "after; give it an `after`, or use renotify"
        ],
        id="repeat-of-a-single-immediate-step",
    ),
    pytest.param(
        CHANNELS
        + """
        [[escalation]]
        name = "web"
        steps = [{ after = "0m", notify = ["oncall"] }]

        [[escalation]]
        name = "web"
        steps = [{ notify = ["oncall"] }]
        """,
        [
            "onwatch.toml:11: escalation[1].name: "
            'duplicate policy name "web" (first used at escalation[0].name, line 7)',
            "onwatch.toml:12: escalation[1].steps[0].after: required key is missing",
        ],
        id="duplicate-policy-name-and-step-without-after",
    ),
    pytest.param(
        """
        [notify.channels]
        broken = "notaurl://x"
        """,
        ["onwatch.toml:3: notify.channels.broken: not a notification URL apprise understands"],
        id="url-apprise-does-not-understand",
    ),
    pytest.param(
        """
        [notify.channels]
        broken = { url = "json://" }

        [[escalation]]
        name = "all"
        steps = [{ after = "0m", notify = ["broken"] }]
        """,
        ["onwatch.toml:3: notify.channels.broken: not a notification URL apprise understands"],
        id="step-naming-a-broken-channel-is-not-reported-twice",
    ),
    pytest.param(
        """
        [notify]
        channels = ["oncall"]

        [[escalation]]
        name = "all"
        steps = [{ after = "0m", notify = ["oncall"] }]
        """,
        ["onwatch.toml:3: notify.channels: expected a table, got an array"],
        id="unreadable-channels-do-not-make-every-step-channel-unknown",
    ),
    pytest.param(
        """
        [notify.channels]
        lead = 7
        ops = { min_severity = "info" }
        """,
        [
            "onwatch.toml:3: notify.channels.lead: expected an apprise URL or a table with url, "
            "got 7",
            "onwatch.toml:4: notify.channels.ops.url: required key is missing",
        ],
        id="channel-of-the-wrong-kind",
    ),
    pytest.param(
        """
        [[maintenance]]
        match = { source = "db-*" }
        start = 2026-12-01T02:00:00
        end = "2026-12-01"
        """,
        [
            "onwatch.toml:4: maintenance[0].start: 2026-12-01T02:00:00 has no timezone; "
            "end it with Z (UTC) or an offset such as +01:00",
            "onwatch.toml:5: maintenance[0].end: 2026-12-01T00:00:00 has no timezone; "
            "end it with Z (UTC) or an offset such as +01:00",
        ],
        id="maintenance-without-timezone",
    ),
    pytest.param(
        """
        [[maintenance]]
        match = { source = "db-*" }
        start = 2026-12-01
        end = "after lunch"
        """,
        [
            "onwatch.toml:4: maintenance[0].start: expected a date-time with a timezone "
            'like "2026-12-01T02:00:00Z", got date 2026-12-01',
            "onwatch.toml:5: maintenance[0].end: expected a date-time with a timezone "
            'like "2026-12-01T02:00:00Z", got "after lunch"',
        ],
        id="maintenance-date-and-garbage",
    ),
    pytest.param(
        """
        [[maintenance]]
        match = { source = "db-*" }
        start = "2026-12-01T04:00:00Z"
        end = "2026-12-01T05:00:00+02:00"
        """,
        ["onwatch.toml:5: maintenance[0].end: a maintenance window must end after it starts"],
        id="maintenance-ends-before-it-starts",
    ),
    pytest.param(
        """
        [[maintenance]]
        match = { check = "backup*" }
        days = ["sat", "sundy"]
        from = "2am"
        to = "04:00"
        """,
        [
            "onwatch.toml:4: maintenance[0].days[1]: "
            "not a day of the week: 'sundy' (use mon, tue, ... sun)",
            'onwatch.toml:5: maintenance[0].from: expected a time of day like "02:00", got "2am"',
        ],
        id="bad-weekday-and-bad-time",
    ),
    pytest.param(
        """
        [[maintenance]]
        match = { check = "backup*" }
        days = ["sat"]
        from = "02:00"
        to = "04:00"
        timezone = "Europe/Berln"
        """,
        [
            "onwatch.toml:7: maintenance[0].timezone: "
            'unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"?'
        ],
        id="unknown-timezone",
    ),
    pytest.param(
        """
        [[maintenance]]
        name = "both"
        match = { source = "db-*" }
        start = "2026-12-01T02:00:00Z"
        end = "2026-12-01T04:00:00Z"
        days = ["sat"]

        [[maintenance]]
        name = "neither"
        match = { source = "db-*" }
        """,
        [
            "onwatch.toml:2: maintenance[0]: give start and end for a one-off window or days, "
            "from and to for a weekly one, not both",
            "onwatch.toml:9: maintenance[1]: "
            "needs start and end (one-off) or days, from and to (weekly)",
        ],
        id="weekly-and-one-off-both-or-neither",
    ),
    pytest.param(
        """
        [[maintenance]]
        match = {}
        days = ["sat"]
        from = "02:00"

        [[maintenance]]
        match = { category = "availability" }
        start = "2026-12-01T02:00:00Z"
        end = "2026-12-01T04:00:00Z"
        """,
        [
            "onwatch.toml:2: maintenance[0].to: required key is missing",
            "onwatch.toml:3: maintenance[0].match: "
            'must not be empty: name what it mutes, e.g. source = "web-*"',
            "onwatch.toml:8: maintenance[1].match.category: "
            "unknown key; known keys are check, metric, severity, source",
        ],
        id="maintenance-missing-to-empty-match-unknown-key",
    ),
    pytest.param(
        """
        [escalation]
        name = "web"
        """,
        ["onwatch.toml:2: escalation: expected an array of tables ([[escalation]]), got a table"],
        id="escalation-as-a-single-table",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_malformed_notify_config_reports_file_line_key_and_message(
    text: str, expected: list[str]
) -> None:
    assert problems(dedent(text)) == expected


def test_no_secret_in_problems_or_summary() -> None:
    # Everything wrong about channels that carry the token, all at once.
    text = dedent(
        """
        [notify.channels]
        bad = "notaurl://${SLACK_TOKEN}"
        odd = { url = "json://${SLACK_TOKEN}@", min_severity = "loud", colour = "red" }
        spaced = "${SLACK_TOKEN}"

        [[escalation]]
        name = "x"
        steps = [{ after = "0m", notify = ["bda"] }]
        """
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text, FILE, ENV)
    shown = [str(p) for p in (*caught.value.problems, *caught.value.warnings)]
    assert len(shown) >= 4
    assert not any(SECRET in line or "T0001" in line for line in shown), shown

    config = parse(FULL)
    lines = summarize(config)
    assert not any(SECRET in line or "T0001" in line for line in lines), lines
    assert SECRET not in repr(config.notify)
