"""`[[http]]`: a URL fetched on a schedule, with its status, body, JSON, latency and
certificate expectations."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from onwatch.collectors.specs import HttpCheck
from onwatch.config.checks import (
    GUIDE,
    NAME,
    SCHEDULE,
    URL,
    add_watch,
    claim,
    every,
    without_password,
)
from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.predictions import CHECK_KEYS
from onwatch.config.problems import Context, quote
from onwatch.config.schema import Choice, Flag, Kind, Number, Text
from onwatch.config.tables import Entries, Field, Seq, Table, TableArray, default_of
from onwatch.config.thresholds import (
    CERT_DAYS,
    LATENCY,
    build_threshold,
    describe_threshold,
    duration_levels,
    seconds,
)
from onwatch.engine.specs import Watch
from onwatch.incidents.rules import Threshold
from onwatch.incidents.timefmt import exact_duration

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")


def header_name(text: str) -> str | None:
    if not text or any(char.isspace() or char == ":" for char in text):
        return "header names cannot be empty or contain spaces or ':'"
    return None


class JsonExpectations(Kind):
    """`json = { "data.status" = "ok" }`; nested tables (`data.status = "ok"` without quotes,
    which TOML reads as nested) are flattened back into the same dotted paths."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict)

    def expected_in(self, ctx: Context) -> str:
        return "an object" if ctx.json else "a table"

    def convert(self, value: dict[str, Any], path: KeyPath, ctx: Context) -> Any:
        flat: dict[str, Any] = {}

        def walk(table: dict[str, Any], prefix: str) -> None:
            for key, item in table.items():
                if isinstance(item, dict) and item:
                    walk(item, f"{prefix}{key}.")
                else:
                    flat[prefix + key] = item

        walk(value, "")
        return flat


HTTP = Table(
    {
        "name": NAME,
        "url": URL,
        "method": Field(Choice(HTTP_METHODS), default=default_of(HttpCheck, "method")),
        "headers": Entries(Text(allow_empty=True), validate_name=header_name),
        **SCHEDULE,
        **CHECK_KEYS,
        "status": Field(
            Seq(Number(100, 599, integer=True), min_items=1),
            default=default_of(HttpCheck, "status"),
        ),
        "body_contains": Text(),
        "json": JsonExpectations(),
        "verify": Field(Flag(), default=default_of(HttpCheck, "verify")),
        "latency": duration_levels(with_for=True, low_open=True),
        # 0d is meaningful here: the certificate has expired.
        "cert_expiry": duration_levels(with_for=False, low_open=False),
        **GUIDE,
    }
)


def build_http(entries: tuple[dict[str, Any], ...], path: KeyPath, d: Draft, ctx: Context) -> None:
    for index, values in enumerate(entries):
        _build_one(values, (*path, index), d, ctx)


def _build_one(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    name = claim(values, path, draft, ctx)
    url = values.get("url")
    rules: dict[str, Threshold] = {}
    latency = values.get("latency")
    if latency is not None and not ctx.failed_under((*path, "latency")):
        rule = build_threshold(seconds(latency), (*path, "latency"), ctx, LATENCY)
        if rule is not None:
            rules["latency"] = rule
    cert = values.get("cert_expiry")
    if cert is not None and url is not None and urlsplit(url).scheme.lower() != "https":
        ctx.error((*path, "cert_expiry"), "only https:// URLs have a certificate to check")
    elif cert is not None and not ctx.failed_under((*path, "cert_expiry")):
        days = seconds(cert, timedelta(days=1))
        rule = build_threshold(days, (*path, "cert_expiry"), ctx, CERT_DAYS)
        if rule is not None:
            rules["cert_days"] = rule
    if ctx.failed_under(path) or name is None or url is None:
        return
    probe = HttpCheck(
        name=name,
        url=url.strip(),
        method=values["method"],
        headers=dict(values.get("headers", {})),
        timeout=values.get("timeout", draft.timeout),
        status=values["status"],
        body_contains=values.get("body_contains"),
        json=dict(values.get("json", {})),
        verify=values["verify"],
    )
    add_watch(values, probe, draft, rules)


def describe_http(watch: Watch, config: Config) -> str:
    probe = watch.probe
    assert isinstance(probe, HttpCheck)
    parts = [f"http {probe.name}: {probe.method} {without_password(probe.url)} {every(watch)}"]
    parts.append("status " + "/".join(str(code) for code in probe.status))
    if probe.timeout != config.timeout:
        parts.append(f"timeout {exact_duration(probe.timeout)}")
    if probe.body_contains is not None:
        parts.append(f"body contains {quote(probe.body_contains)}")
    parts.extend(
        f"json {path} = {json.dumps(value, default=str)}" for path, value in probe.json.items()
    )
    if "latency" in watch.rules:
        parts.append(f"latency {describe_threshold(watch.rules['latency'])}")
    if "cert_days" in watch.rules:
        parts.append(f"certificate expiry {describe_threshold(watch.rules['cert_days'])}")
    if not probe.verify:
        parts.append("TLS not verified")
    if probe.name in config.runbooks:
        parts.append(f"runbook {config.runbooks[probe.name]}")
    if watch.anomaly:
        parts.append("anomalies flagged")
    return ", ".join(parts)


SECTION = Section("http", TableArray(HTTP), build_http, probe=HttpCheck, describe=describe_http)
