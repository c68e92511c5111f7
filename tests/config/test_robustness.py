"""Whatever the file holds, parsing ends in a Config or a ConfigError, never a traceback."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from onwatch.config import Config, ConfigError, parse_config
from onwatch.config.locate import locate_json, locate_toml

# Lines worth mixing: valid ones, near misses and plain garbage, so generated files hit
# table headers, arrays of tables, inline tables, wrong types and syntax errors alike.
FRAGMENTS = [
    "[local]",
    "[local.cpu]",
    "[[http]]",
    "[[tcp]]",
    "[notify]",
    "[notify.channels]",
    "[defaults]",
    'operator = "alice"',
    "operator = 3",
    'db = "~/x.db"',
    'interval = "10s"',
    "interval = 10",
    'timeout = "0s"',
    "warning = 70",
    "critical = 60",
    "clear = 90",
    'for = "30s"',
    "cpu = false",
    "cpu = { warning = 90, critical = 80 }",
    'memory = { critical = "x" }',
    "load = { warning = 0 }",
    'name = "api"',
    'name = "a/b"',
    'url = "https://example.com"',
    'url = "http://example.com"',
    'url = "ftp://x"',
    "status = [200, 700]",
    'latency = { warning = "1s", critical = "500ms" }',
    'cert_expiry = { warning = "21d", critical = "7d" }',
    'host = "db"',
    "port = 0",
    "port = 5432",
    'ops = "mailto://a@b"',
    'ops = "${MISSING}"',
    "bell = true",
    "[[escalation]]",
    "[[maintenance]]",
    'renotify = "30m"',
    "renotify_backoff = 0.5",
    'oncall = { url = "json://127.0.0.1/h", min_severity = "critical" }',
    'bad = "notaurl://x"',
    'steps = [{ after = "0m", notify = ["oncall"] }, { after = "1m", notify = ["nope"] }]',
    "steps = [3]",
    'match = { severity = "crit", source = "web-*" }',
    "match = {}",
    "repeat = 2",
    'start = "2026-12-01T02:00:00Z"',
    "end = 2026-12-01T01:00:00",
    'days = ["sat", "sundy"]',
    'from = "02:00"',
    "to = 04:00:00",
    'timezone = "Nowhere/Land"',
    'json = { a.b = 1, "c.d" = [1, {e = 2}] }',
    'x = """',
    "= 1",
    "[",
    "{",
    '"key" = 1',
    "processes = [",
    '"nginx",',
    "]",
    "# comment",
    "",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_any_mix_of_lines_gives_config_or_config_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        result = parse_config(text, "fuzz.toml", {"USER": "u"})
    except ConfigError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line is None or 1 <= problem.line <= len(lines) + 1
    else:
        assert isinstance(result, Config)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[]{}\"'=.,#:\n \\abc01$", max_size=60))
def test_any_text_gives_config_or_config_error(text: str) -> None:
    for file in ("fuzz.toml", "fuzz.json"):
        try:
            parse_config(text, file, {})
        except ConfigError as error:
            assert error.problems


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_locator_never_fails(text: str) -> None:
    locate_toml(text)
    locate_json(text)
