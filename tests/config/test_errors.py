"""Every malformed config is reported as `FILE:LINE: key: message`, all problems at once."""

from __future__ import annotations

from textwrap import dedent

import pytest

from onwatch.config import ConfigError, Problem, parse_config
from tests.config.conftest import problems

CASES = [
    pytest.param(
        """
        operator = "alice"
        [local]
        cpu = { warning = 70
        """,
        ["onwatch.toml:4: invalid TOML: Unclosed inline table (column 21)"],
        id="toml-syntax-error",
    ),
    pytest.param(
        """
        operater = "alice"
        """,
        ['onwatch.toml:2: operater: unknown key; did you mean "operator"?'],
        id="unknown-top-level-key-with-suggestion",
    ),
    pytest.param(
        """
        [loacl]
        interval = "5s"
        """,
        ['onwatch.toml:2: loacl: unknown key; did you mean "local"?'],
        id="unknown-section-with-suggestion",
    ),
    pytest.param(
        """
        [local.cpu]
        warning = 70
        critcal = 90
        """,
        ['onwatch.toml:4: local.cpu.critcal: unknown key; did you mean "critical"?'],
        id="unknown-nested-key-with-suggestion",
    ),
    pytest.param(
        """
        [local]
        cpu = { warnnig = 75 }
        """,
        ['onwatch.toml:3: local.cpu.warnnig: unknown key; did you mean "warning"?'],
        id="inline-table-key-error",
    ),
    pytest.param(
        """
        [notify]
        sound = true
        """,
        [
            "onwatch.toml:3: notify.sound: unknown key; known keys are ack_timeout, bell, "
            "channels, desktop, renotify, renotify_backoff, send_resolved, storm_threshold"
        ],
        id="unknown-key-without-suggestion-lists-known-keys",
    ),
    pytest.param(
        """
        [defaults]
        interval = ["10s"]
        """,
        ['onwatch.toml:3: defaults.interval: expected a duration like "30s", got an array'],
        id="wrong-type-for-interval",
    ),
    pytest.param(
        """
        [local]
        interval = "ten seconds"
        """,
        ['onwatch.toml:3: local.interval: expected a duration like "30s", got "ten seconds"'],
        id="bad-duration-string",
    ),
    pytest.param(
        """
        [local]
        interval = 30
        """,
        ['onwatch.toml:3: local.interval: expected a duration like "30s", got 30'],
        id="number-given-as-duration",
    ),
    pytest.param(
        """
        [defaults]
        interval = "500ms"
        timeout = "10m"
        """,
        [
            'onwatch.toml:3: defaults.interval: must be between 1s and 1d, got "500ms"',
            'onwatch.toml:4: defaults.timeout: must be above 0s and at most 5m, got "10m"',
        ],
        id="interval-and-timeout-out-of-range",
    ),
    pytest.param(
        """
        [local.memory]
        warning = 90
        critical = 80
        """,
        ["onwatch.toml:3: local.memory.warning: warning 90% must be below critical 80%"],
        id="warning-above-critical",
    ),
    pytest.param(
        """
        [local]
        disk = { critical = 120 }
        """,
        ["onwatch.toml:3: local.disk.critical: must be between 0 and 100, got 120"],
        id="threshold-out-of-0-100",
    ),
    pytest.param(
        """
        [local]
        load = { warning = 0 }
        """,
        ["onwatch.toml:3: local.load.warning: must be above 0, got 0"],
        id="load-must-be-positive",
    ),
    pytest.param(
        """
        [local]
        cpu = { clear = 75 }
        """,
        ["onwatch.toml:3: local.cpu.clear: clear 75% must be below the warning level 70%"],
        id="clear-on-the-wrong-side",
    ),
    pytest.param(
        """
        [local]
        swap = { critical = true }
        """,
        ["onwatch.toml:3: local.swap.critical: expected a number, got boolean true"],
        id="boolean-is-not-a-number",
    ),
    pytest.param(
        """
        [local.cpu]
        warning = "80"
        """,
        ['onwatch.toml:3: local.cpu.warning: expected a number, got string "80"'],
        id="string-is-not-a-number",
    ),
    pytest.param(
        """
        [local]
        memory = "off"
        """,
        ['onwatch.toml:3: local.memory: expected a table or false, got string "off"'],
        id="metric-must-be-table-or-false",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        method = "GET"
        """,
        ["onwatch.toml:2: http[0].url: required key is missing"],
        id="http-without-url",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "ftp://example.com/"
        """,
        ['onwatch.toml:4: http[0].url: expected an http:// or https:// URL, got "ftp://"'],
        id="http-bad-scheme",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "https:///health"
        """,
        ["onwatch.toml:4: http[0].url: URL has no host"],
        id="http-url-without-host",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "https://a.example"

        [[tcp]]
        name = "api"
        host = "db.example"
        port = 5432
        """,
        [
            'onwatch.toml:7: tcp[0].name: duplicate check name "api" '
            "(first used at http[0].name, line 3)"
        ],
        id="duplicate-check-name",
    ),
    pytest.param(
        """
        [[http]]
        name = "web/api"
        url = "https://a.example"
        """,
        ['onwatch.toml:3: http[0].name: must not contain "/"'],
        id="slash-in-check-name",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "https://a.example"
        status = [200, 204, 999]
        """,
        ["onwatch.toml:5: http[0].status[2]: must be between 100 and 599, got 999"],
        id="status-code-out-of-range",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "https://a.example"
        headers = { Authorization = "Bearer ${API_TOKEN}" }
        """,
        [
            "onwatch.toml:5: http[0].headers.Authorization: "
            "environment variable API_TOKEN is not set"
        ],
        id="missing-env-var",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "http://a.example"
        cert_expiry = { warning = "21d", critical = "7d" }
        """,
        ["onwatch.toml:5: http[0].cert_expiry: only https:// URLs have a certificate to check"],
        id="cert-expiry-on-plain-http",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "https://a.example"
        cert_expiry = { warning = "7d", critical = "21d" }
        """,
        ["onwatch.toml:5: http[0].cert_expiry.warning: warning 7d must be above critical 21d"],
        id="cert-expiry-levels-reversed",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "https://a.example"
        latency = { warning = 0.5, critical = "2s" }
        """,
        ['onwatch.toml:5: http[0].latency.warning: expected a duration like "30s", got 0.5'],
        id="latency-number-not-duration",
    ),
    pytest.param(
        """
        [[http]]
        name = "api"
        url = "https://a.example"
        method = "FETCH"
        """,
        [
            "onwatch.toml:5: http[0].method: expected one of "
            'GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH, got "FETCH"'
        ],
        id="unknown-http-method",
    ),
    pytest.param(
        """
        [[tcp]]
        name = "db"
        host = "db.example"
        port = 70000
        """,
        ["onwatch.toml:5: tcp[0].port: must be between 1 and 65535, got 70000"],
        id="bad-tcp-port",
    ),
    pytest.param(
        """
        [[tcp]]
        name = "db"
        host = "db.example"
        port = "5432"
        """,
        ['onwatch.toml:5: tcp[0].port: expected an integer, got string "5432"'],
        id="tcp-port-as-string",
    ),
    pytest.param(
        """
        [[http]]
        name = "one"
        url = "https://one.example"

        [[http]]
        name = "two"
        url = "https://two.example"
        timeout = "0s"
        """,
        ['onwatch.toml:9: http[1].timeout: must be above 0s and at most 5m, got "0s"'],
        id="second-http-entry-points-at-its-own-line",
    ),
    pytest.param(
        """
        [[http]]
        name = "one"
        url = "https://one.example"

        [[http]]
        name = "two"
        """,
        ["onwatch.toml:6: http[1].url: required key is missing"],
        id="missing-key-points-at-its-entry-header",
    ),
    pytest.param(
        """
        http = { name = "api", url = "https://a.example" }
        """,
        ["onwatch.toml:2: http: expected an array of tables ([[http]]), got a table"],
        id="http-as-single-table",
    ),
    pytest.param(
        """
        [notify.channels]
        ops = "ops@example.com"
        """,
        [
            "onwatch.toml:3: notify.channels.ops: "
            'expected an apprise URL such as "mailto://user@example.com"'
        ],
        id="channel-address-without-scheme",
    ),
    pytest.param(
        """
        operator = "${WHO"
        """,
        ["onwatch.toml:2: operator: unclosed ${ (write $${ for a literal ${)"],
        id="unclosed-env-reference",
    ),
    pytest.param(
        """
        operator = 7
        db = ""
        [local]
        processes = ["nginx", 3]
        interval = "5x"
        cpu = { warning = 90, critical = 80 }

        [[http]]
        url = "gopher://old.example"
        """,
        [
            "onwatch.toml:2: operator: expected a string, got 7",
            "onwatch.toml:3: db: must not be empty",
            "onwatch.toml:5: local.processes[1]: expected a string, got 3",
            'onwatch.toml:6: local.interval: expected a duration like "30s", got "5x"',
            "onwatch.toml:7: local.cpu.warning: warning 90% must be below critical 80%",
            "onwatch.toml:9: http[0].name: required key is missing",
            'onwatch.toml:10: http[0].url: expected an http:// or https:// URL, got "gopher://"',
        ],
        id="several-errors-reported-at-once",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_malformed_config_reports_file_line_key_and_message(text: str, expected: list[str]) -> None:
    assert problems(dedent(text)) == expected


def test_problem_without_line_omits_it() -> None:
    assert str(Problem("a.toml", None, "http[0].url", "bad")) == "a.toml: http[0].url: bad"
    assert str(Problem("a.toml", 3, "", "invalid TOML")) == "a.toml:3: invalid TOML"


def test_config_error_message_lists_every_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("operator = 1\ndb = 2\n", "c.toml", {})
    assert str(caught.value).splitlines() == [
        "c.toml:1: operator: expected a string, got 1",
        "c.toml:2: db: expected a string, got 2",
    ]


def test_toml_error_at_end_of_file_gets_the_last_line() -> None:
    assert problems('operator = "alice"\nx = "open') == [
        "onwatch.toml:2: invalid TOML: Unterminated string (at the end of the file)"
    ]


def test_invalid_json_reports_its_line() -> None:
    text = '{\n  "alertCriteria": {\n    "cpuThreshold": 80,\n  }\n}\n'
    assert problems(text, file="seed.json") == [
        "seed.json:4: invalid JSON: Expecting property name enclosed in double quotes (column 3)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '{"alertCriteria": {"cpuThreshold": "80"}}',
            ['seed.json:1: alertCriteria.cpuThreshold: expected a number, got string "80"'],
            id="threshold-as-string",
        ),
        pytest.param(
            '{\n"alertCriteria": {\n"cpuTreshold": 80}}',
            ['seed.json:3: alertCriteria.cpuTreshold: unknown key; did you mean "cpuThreshold"?'],
            id="unknown-key-with-suggestion",
        ),
        pytest.param(
            '{"alertCriteria": {"memoryThreshold": 150}}',
            ["seed.json:1: alertCriteria.memoryThreshold: must be between 0 and 100, got 150"],
            id="threshold-out-of-range",
        ),
        pytest.param(
            '{"notification": {\n  "channels": "email"\n}}',
            ['seed.json:2: notification.channels: expected an array, got string "email"'],
            id="channels-not-a-list",
        ),
        pytest.param(
            "[1, 2]",
            ["seed.json:1: expected an object, got an array"],
            id="not-an-object",
        ),
        pytest.param(
            '{"alertCriteria": {"cpuThreshold": true}}',
            ["seed.json:1: alertCriteria.cpuThreshold: expected a number, got boolean true"],
            id="boolean-is-not-a-number",
        ),
    ],
)
def test_malformed_seed_json_is_reported_like_toml(text: str, expected: list[str]) -> None:
    assert problems(text, file="seed.json") == expected
