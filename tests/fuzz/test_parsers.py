"""Remote and file input through every parser: an answer or the parser's own error, never an
unhandled exception (a traceback in the engine is a check that stops being judged)."""

from __future__ import annotations

import json
import math

from hypothesis import example, given
from hypothesis import strategies as st

from onwatch.collectors import agent_payload, exposition
from onwatch.collectors.base import BadData
from onwatch.collectors.specs import PromRule
from onwatch.config import Config, ConfigError, parse_config
from tests.fuzz.budget import fuzz

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)

# --- seed JSON config -------------------------------------------------------------------------

SEED_KEYS = [
    "alertCriteria", "cpuThreshold", "memoryThreshold", "notification", "channels",
    "escalation", "roles", "members", "email", "slack", "notify", "cpu", "memory", "critical",
    "teamLead", "ITSupport", "",
]  # fmt: skip
SEED = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(SEED_KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)


@fuzz(150)
@given(st.dictionaries(st.sampled_from(SEED_KEYS), SEED, max_size=6))
def test_any_seed_json_document_gives_config_or_config_error(document: dict) -> None:
    text = json.dumps(document, allow_nan=True)
    try:
        assert isinstance(parse_config(text, "seed.json", {}), Config)
    except ConfigError as error:
        assert error.problems and all(str(p) for p in error.problems)


# --- the agent's payload ----------------------------------------------------------------------

METRIC_NAMES = st.sampled_from(
    ["cpu", "memory", "swap", "disk:/", "disk:/var", "load", "load1", "process:nginx", "net_errors"]
) | st.text(max_size=20)
METRIC_VALUES = (
    st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(2**80), 2**80) | SCALARS | JSON
)
AGENT_DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "host": st.text(max_size=300) | SCALARS,
        "at": st.sampled_from(["2026-01-02T03:04:05Z", "2026-13-40T99:99:99Z", "", "now"])
        | SCALARS,
        "metrics": st.dictionaries(METRIC_NAMES, METRIC_VALUES, max_size=8) | JSON,
        "errors": st.dictionaries(METRIC_NAMES, SCALARS, max_size=4) | JSON,
    },
)


def _decode(data: bytes) -> None:
    try:
        reading = agent_payload.decode(data)
    except BadData as error:
        assert str(error)
        return
    assert all(math.isfinite(value) for value in reading.values.values())
    assert all(isinstance(text, str) for text in reading.errors.values())


@fuzz(200)
@example({"host": "db1", "at": "2026-01-02T03:04:05Z", "metrics": {"cpu": 1e308, "disk:/": -1}})
@given(AGENT_DOCUMENT)
def test_any_agent_document_is_a_reading_or_bad_data(document: dict) -> None:
    _decode(json.dumps(document, allow_nan=True).encode())


@fuzz(100)
@given(st.binary(max_size=300) | JSON.map(lambda v: json.dumps(v, allow_nan=True).encode()))
def test_any_agent_bytes_are_a_reading_or_bad_data(data: bytes) -> None:
    _decode(data)


# --- Prometheus exposition text ---------------------------------------------------------------

EXPO_LINES = [
    "# HELP node_cpu_seconds_total Seconds.",
    "# TYPE node_cpu_seconds_total counter",
    'node_cpu_seconds_total{cpu="0",mode="idle"} 100',
    'node_cpu_seconds_total{cpu="0",mode="user"} NaN',
    "node_memory_MemTotal_bytes 1e9",
    "node_memory_MemAvailable_bytes 2e9",
    "node_memory_MemTotal_bytes 0",
    'node_filesystem_size_bytes{mountpoint="/"} 100',
    'node_filesystem_avail_bytes{mountpoint="/"} -5',
    'node_filesystem_avail_bytes{mountpoint="/",fstype="tmpfs"} +Inf',
    "node_load1 3",
    "node_load1 -Inf",
    "node_network_receive_errs_total 1e400",
    'up{job="x"} 1',
    "# TYPE up gauge",
    "# EOF",
    "{",
    'x{a="\\xff"} 1',
    "bad line",
    "",
]


def _read(text: str, rules: tuple[PromRule, ...]) -> None:
    try:
        figures = exposition.read_page(text, rules)
    except BadData as error:
        assert str(error)
        return
    for value in figures.rules.values():
        assert math.isfinite(value)


@fuzz(200)
@given(
    st.lists(st.sampled_from(EXPO_LINES) | st.text(max_size=40), max_size=20),
    st.lists(
        st.builds(
            PromRule,
            st.sampled_from(["up", "node_load1", "x"]),
            st.dictionaries(st.sampled_from(["job", "a"]), st.text(max_size=3), max_size=2),
        ),
        max_size=3,
    ),
)
def test_any_exposition_page_is_figures_or_bad_data(lines: list[str], rules: list) -> None:
    _read("\n".join(lines) + "\n", tuple(rules))


# --- Alertmanager's webhook payload -------------------------------------------------------------

AM_LABELS = st.dictionaries(
    st.sampled_from(["alertname", "instance", "severity", "job", "", "a" * 300]),
    st.sampled_from(["critical", "warning", "info", "page", "x", ""]) | SCALARS,
    max_size=4,
)
AM_ALERT = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["firing", "resolved", "pending"]) | SCALARS,
        "labels": AM_LABELS | JSON,
        "annotations": st.dictionaries(
            st.sampled_from(["summary", "runbook_url", "description"]), SCALARS, max_size=3
        )
        | JSON,
        "startsAt": st.sampled_from(["2026-12-01T10:00:00Z", "0001-01-01T00:00:00Z", "soon"])
        | SCALARS,
        "endsAt": st.sampled_from(["2026-12-01T11:00:00.123456789+01:00", ""]) | SCALARS,
        "generatorURL": SCALARS,
        "fingerprint": st.sampled_from(["3f2b9c0d1e4a5b6c", "not a fingerprint!"]) | SCALARS,
    },
)
AM_PAYLOAD = st.fixed_dictionaries(
    {},
    optional={
        "version": st.sampled_from(["4", "3", 4]) | SCALARS,
        "groupKey": SCALARS,
        "receiver": SCALARS,
        "status": st.sampled_from(["firing", "resolved"]) | SCALARS,
        "externalURL": SCALARS,
        "groupLabels": AM_LABELS | JSON,
        "commonLabels": AM_LABELS | JSON,
        "commonAnnotations": JSON,
        "truncatedAlerts": SCALARS,
        "alerts": st.lists(AM_ALERT, max_size=4) | JSON,
    },
)
VALID_AM = {
    "version": "4",
    "groupKey": "{}:{}",
    "receiver": "onwatch",
    "status": "firing",
    "alerts": [
        {"status": "firing", "labels": {"alertname": "Up"}, "startsAt": "2026-12-01T10:00:00Z"}
    ],
}


@fuzz(300)
@given(AM_PAYLOAD | JSON)
@example(VALID_AM)
def test_any_alertmanager_body_is_alerts_or_a_400_and_the_alerts_open_incidents(body) -> None:
    from datetime import UTC, datetime
    from itertools import count

    from onwatch.incidents.external import receive
    from onwatch.serve.alertmanager_payload import parse_payload
    from onwatch.serve.errors import ApiError

    try:
        alerts = parse_payload(body)
    except ApiError as error:
        assert error.status == 400 and str(error) and "\n" not in str(error)
        return
    ids = count(1)
    unclosed: dict = {}
    for alert in alerts:
        change = receive(
            alert,
            unclosed.get(alert.incident_fingerprint),
            next_id=lambda: next(ids),
            by="alertmanager",
            at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        if change is not None:
            unclosed[alert.incident_fingerprint] = change.incident
            assert change.incident.title and change.incident.source
