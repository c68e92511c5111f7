"""Remote data is untrusted: every hostile payload becomes a "bad data" sample, never a crash."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest

from onwatch.collectors import (
    AgentCheck,
    AgentCollector,
    PrometheusCheck,
    PrometheusCollector,
    PromRule,
)
from tests.collectors.conftest import by_metric
from tests.collectors.servers import Reply

AT = "2026-01-02T03:04:05Z"
MIB = 1024 * 1024


def payload(metrics: object, **extra: object) -> bytes:
    return json.dumps({"host": "db1", "at": AT, "metrics": metrics, **extra}).encode()


AGENT_CASES = {
    "over 1 MiB": (payload({"cpu": 1.0}, pad="x" * (2 * MIB)), "bad data: body over 1 MiB"),
    "NaN": (
        b'{"host": "db1", "at": "%s", "metrics": {"memory": NaN}}' % AT.encode(),
        "bad data: memory is NaN",
    ),
    "infinity": (
        b'{"host": "h", "at": "%s", "metrics": {"cpu": Infinity}}' % AT.encode(),
        "bad data: cpu is infinite",
    ),
    "string": (payload({"cpu": "12"}), "bad data: cpu is a string, expected a number"),
    "boolean": (payload({"cpu": True}), "bad data: cpu is a boolean, expected a number"),
    "negative": (payload({"memory": -5}), "bad data: memory is -5, outside 0..100"),
    "absurd": (payload({"load": 1e300}), "bad data: load is 1e+300, outside 0..1e+06"),
    "array": (b"[1, 2, 3]", "bad data: expected an object, got array"),
    "metrics not an object": (payload([1, 2]), "bad data: metrics is not an object"),
    "no host": (
        json.dumps({"at": AT, "metrics": {}}).encode(),
        "bad data: host is missing or not a short string",
    ),
    "bad time": (
        json.dumps({"host": "h", "at": "yesterday", "metrics": {}}).encode(),
        "bad data: at is not an ISO-8601 time",
    ),
    "10,000 metrics": (
        payload({f"m{i}": 1 for i in range(10_000)}),
        "bad data: 10000 metrics, at most 500",
    ),
    "not JSON": (b"<html>hello</html>", "bad data: body is not JSON"),
    "deep nesting": (b"[" * 200_000, "bad data: body is not JSON"),
    "huge integer": (
        payload({"cpu": 1}).replace(b"1}", b"9" * 5000 + b"}"),
        "bad data: body is not JSON",
    ),
    "control characters in a name": (
        payload({"disk:/a\nb": 1.0}),
        "bad data: metric name 'disk:/a\\nb' is not allowed",
    ),
    "text direction trick": (payload({"disk:/\u202eevil": 1.0}), "bad data: metric name "),
}


@pytest.mark.parametrize(("body", "reason"), AGENT_CASES.values(), ids=AGENT_CASES.keys())
async def test_hostile_agent_payloads_are_bad_data(server, client, body, reason):
    server.routes["/v1/sample"] = Reply(200, body, {"Content-Type": "application/json"})
    spec = AgentCheck("db1", server.url(), timeout=timedelta(seconds=5))
    got = by_metric(await AgentCollector(spec, client).collect(datetime.now(UTC)))
    assert got["up"].value == 1.0
    assert got["bad_data"].error.startswith(reason)


async def test_one_bad_metric_does_not_hide_the_good_ones(server, client):
    body = payload({"cpu": 12.5, "memory": "lots", "swap": -1, "disk:/": 40.0})
    server.routes["/v1/sample"] = Reply(200, body)
    spec = AgentCheck("db1", server.url())
    got = by_metric(await AgentCollector(spec, client).collect(datetime.now(UTC)))
    assert got["cpu"].value == 12.5
    assert got["disk:/"].value == 40.0
    assert "memory" not in got and "swap" not in got
    assert got["bad_data"].error == "bad data: memory is a string, expected a number (and 1 more)"


async def test_agent_errors_become_error_samples(server, client):
    body = payload({"cpu": 1.0}, errors={"disk:/mnt/nfs": "disk usage of /mnt/nfs timed out"})
    server.routes["/v1/sample"] = Reply(200, body)
    got = by_metric(
        await AgentCollector(AgentCheck("db1", server.url()), client).collect(datetime.now(UTC))
    )
    assert got["disk:/mnt/nfs"].error == "disk usage of /mnt/nfs timed out"
    assert got["bad_data"].value == 0.0


async def test_gzip_bomb_from_an_agent_is_bad_data(server, client):
    bomb = gzip.compress(bytes(32 * MIB), compresslevel=1)
    server.routes["/v1/sample"] = Reply(200, bomb, {"Content-Encoding": "gzip"})
    got = by_metric(
        await AgentCollector(AgentCheck("db1", server.url()), client).collect(datetime.now(UTC))
    )
    assert got["bad_data"].error == "bad data: body over 1 MiB"


NODE_PAGE = """\
node_cpu_seconds_total{cpu="0",mode="idle"} 100
node_cpu_seconds_total{cpu="0",mode="user"} 50
node_memory_MemTotal_bytes 1000
node_memory_MemAvailable_bytes 250
node_load5 0.5
"""

PROMETHEUS_CASES = {
    "malformed text": ('node_load1{a="b" 1\n', "bad data: malformed exposition text"),
    "garbage": ("this is not metrics at all\n", "bad data: malformed exposition text"),
    "over 1 MiB": ("# " + "x" * (2 * MIB) + "\n", "bad data: body over 1 MiB"),
    "NaN load": (
        NODE_PAGE.replace("node_load5 0.5", "node_load5 NaN"),
        "bad data: node_load5 is NaN",
    ),
    "absurd load": (
        NODE_PAGE.replace("node_load5 0.5", "node_load5 1e300"),
        "bad data: node_load5 is 1e+300",
    ),
    "negative memory": (
        NODE_PAGE.replace("MemTotal_bytes 1000", "MemTotal_bytes -1000"),
        "bad data: node_memory_MemTotal_bytes is -1000",
    ),
    "more available than total": (
        NODE_PAGE.replace("MemAvailable_bytes 250", "MemAvailable_bytes 5000"),
        "bad data: memory figures do not add up",
    ),
    "infinite cpu counter": (
        NODE_PAGE.replace("} 50", "} +Inf"),
        "bad data: node_cpu_seconds_total is infinite",
    ),
}


@pytest.mark.parametrize(("page", "reason"), PROMETHEUS_CASES.values(), ids=PROMETHEUS_CASES.keys())
async def test_hostile_exposition_pages_are_bad_data(server, client, page, reason):
    server.routes["/metrics"] = Reply(200, page.encode())
    spec = PrometheusCheck("node1", server.url("/metrics"), timeout=timedelta(seconds=5))
    got = by_metric(await PrometheusCollector(spec, client).collect(datetime.now(UTC)))
    assert got["up"].value == 1.0
    assert got["bad_data"].error.startswith(reason)


async def test_invalid_utf8_page_is_bad_data(server, client):
    server.routes["/metrics"] = Reply(200, b"node_load1 1\n# \xff\xfe\n")
    spec = PrometheusCheck("node1", server.url("/metrics"))
    got = by_metric(await PrometheusCollector(spec, client).collect(datetime.now(UTC)))
    assert got["bad_data"].error == "bad data: body is not UTF-8 text"


async def test_rule_series_with_a_label_named_like_a_parameter(server, client):
    page = 'weird{source="a",metric="b",at="c"} 7\n'
    server.routes["/metrics"] = Reply(200, page.encode())
    rules = (
        PromRule("weird", {"source": "a", "at": "c"}),
        PromRule("weird", {"source": "zzz"}),
    )
    spec = PrometheusCheck("node1", server.url("/metrics"), rules=rules)
    samples = await PrometheusCollector(spec, client).collect(datetime.now(UTC))
    weird = [s for s in samples if s.metric == "weird"]
    assert weird[0].value == 7.0 and weird[0].labels == {"source": "a", "at": "c"}
    assert weird[1].error == 'no series weird{source="zzz"} in the scrape'
