"""The sections of a TOML config, each a declarative `Section`: its key, the kind its value must
be, and a builder that adds what it describes to the `Draft` of the config.

Adding a section (`[[prometheus]]`, `[[maintenance]]`...) is adding one `Section` to `SECTIONS`
with its table and builder; unknown-key hints and line numbers come with it for free.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from onwatch.collectors.specs import HttpCheck, LocalCheck, TcpCheck
from onwatch.config_locate import KeyPath
from onwatch.config_notify import (
    ESCALATION,
    MAINTENANCE,
    NOTIFY,
    NotifyDraft,
    build_escalation,
    build_maintenance,
    build_notify,
)
from onwatch.config_problems import Context, format_key
from onwatch.config_schema import (
    Choice,
    Duration,
    Entries,
    Field,
    Flag,
    Kind,
    Number,
    Seq,
    Switchable,
    Table,
    TableArray,
    Text,
)
from onwatch.config_thresholds import (
    CERT_DAYS,
    LATENCY,
    LOAD,
    PERCENT,
    Measure,
    build_threshold,
    duration_levels,
    number_levels,
    seconds,
)
from onwatch.engine.specs import Watch
from onwatch.incidents.rules import Threshold

DEFAULT_INTERVAL = timedelta(seconds=10)
DEFAULT_TIMEOUT = timedelta(seconds=10)
INTERVAL = Duration(timedelta(seconds=1), timedelta(days=1))
TIMEOUT = Duration(timedelta(0), timedelta(minutes=5), low_open=True)
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")
LOCAL_NAME = LocalCheck().name


@dataclass(frozen=True)
class LocalMetric:
    measure: Measure
    levels: Table
    default: Threshold


_PERCENT_LEVELS = number_levels(0, 100)
LOCAL_METRICS: Mapping[str, LocalMetric] = {
    "cpu": LocalMetric(
        PERCENT,
        _PERCENT_LEVELS,
        Threshold(warning=70, critical=80, for_=timedelta(seconds=30), unit="%"),
    ),
    "memory": LocalMetric(PERCENT, _PERCENT_LEVELS, Threshold(warning=65, critical=75, unit="%")),
    "swap": LocalMetric(PERCENT, _PERCENT_LEVELS, Threshold(critical=50, unit="%")),
    "disk": LocalMetric(PERCENT, _PERCENT_LEVELS, Threshold(warning=80, critical=90, unit="%")),
    # 5-minute load average per core, so one rule fits machines of any size.
    "load": LocalMetric(
        LOAD, number_levels(0, low_open=True), Threshold(warning=1.5, critical=2.0)
    ),
}


@dataclass
class Draft:
    """The config as it is being built, section by section."""

    file: str
    env: Mapping[str, str]
    operator: str = field(init=False)
    db: Path | None = None
    interval: timedelta = DEFAULT_INTERVAL
    timeout: timedelta = DEFAULT_TIMEOUT
    watches: list[Watch] = field(default_factory=list)
    channels: dict[str, str] = field(default_factory=dict)
    escalation: list[str] = field(default_factory=list)
    runbooks: dict[str, str] = field(default_factory=dict)
    bell: bool = False
    notify: NotifyDraft = field(default_factory=NotifyDraft)
    names: dict[str, KeyPath] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The `operator` key, when present, overrides this.
        self.operator = self.env.get("USER") or self.env.get("LOGNAME") or _login_name()

    def claim_name(self, name: str, path: KeyPath, ctx: Context) -> None:
        """Check names identify incidents and CLI targets, so they must be unique."""
        first = self.names.get(name)
        if first is None:
            self.names[name] = path
            return
        if first == (LOCAL_NAME,):
            ctx.error(path, f'name "{name}" is taken by this host\'s check')
            return
        line = ctx.locator.line(first)
        where = format_key(first) + (f", line {line}" if line else "")
        ctx.error(path, f'duplicate check name "{name}" (first used at {where})')


Builder = Callable[[Any, KeyPath, Draft, Context], None]


@dataclass(frozen=True)
class Section:
    """One top-level key: what its value must be and what it adds to the config.

    `absent` is the value the builder gets when the file leaves the key out (None: the builder
    is not called), so built-in behaviour such as watching this host needs no special case.
    """

    key: str
    kind: Kind
    build: Builder
    absent: Any = None


# --- validators for single strings ----------------------------------------------------------


def http_url(text: str) -> str | None:
    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f'"{parts.scheme}://"' if parts.scheme else "no scheme"
        return f"expected an http:// or https:// URL, got {scheme}"
    if not parts.hostname:
        return "URL has no host"
    try:
        parts.port  # noqa: B018 - urlsplit only checks the port when asked for it
    except ValueError:
        return "URL has an invalid port"
    if any(char.isspace() for char in text.strip()):
        return "URL must not contain spaces"
    return None


def check_name(text: str) -> str | None:
    # "/" separates source, check and metric in incident fingerprints.
    return 'must not contain "/"' if "/" in text else None


def header_name(text: str) -> str | None:
    if not text or any(char.isspace() or char == ":" for char in text):
        return "header names cannot be empty or contain spaces or ':'"
    return None


def host_name(text: str) -> str | None:
    if "://" in text or "/" in text:
        return "expected a host name or address, not a URL"
    return None


def expand_home(text: str, env: Mapping[str, str]) -> Path:
    """`~` from the given environment first, so tests and services can set HOME explicitly."""
    if text == "~" or text.startswith(("~/", "~" + os.sep)):
        home = env.get("HOME")
        return (Path(home) if home else Path.home()) / text[2:]
    return Path(text).expanduser()


# --- builders -------------------------------------------------------------------------------


def build_operator(value: str, path: KeyPath, draft: Draft, ctx: Context) -> None:
    draft.operator = value.strip()


def build_db(value: str, path: KeyPath, draft: Draft, ctx: Context) -> None:
    db = expand_home(value.strip(), draft.env)
    # Relative to the config file, so the same file works from any working directory.
    if not db.is_absolute() and draft.file != "<built-in>":
        db = Path(draft.file).parent / db
    draft.db = db


def build_defaults(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    draft.interval = values.get("interval", draft.interval)
    draft.timeout = values.get("timeout", draft.timeout)


def build_local(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    if not values.get("enabled", True):
        return
    draft.claim_name(LOCAL_NAME, (LOCAL_NAME,), ctx)
    rules = host_rules(values, path, ctx)
    if ctx.failed_under(path):
        return
    # dict.fromkeys drops repeated names but keeps the order they were written in.
    processes = tuple(dict.fromkeys(values.get("processes", ())))
    probe = LocalCheck(processes=processes)
    draft.watches.append(Watch(probe, values.get("interval", draft.interval), rules))


def build_http(entries: tuple[dict[str, Any], ...], path: KeyPath, d: Draft, ctx: Context) -> None:
    for index, values in enumerate(entries):
        _build_one_http(values, (*path, index), d, ctx)


def _build_one_http(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    name = values.get("name")
    if name is not None:
        draft.claim_name(name, (*path, "name"), ctx)
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
    draft.watches.append(Watch(probe, values.get("interval", draft.interval), rules))
    if "runbook" in values:
        draft.runbooks[name] = values["runbook"].strip()


def build_tcp(entries: tuple[dict[str, Any], ...], path: KeyPath, d: Draft, ctx: Context) -> None:
    for index, values in enumerate(entries):
        entry = (*path, index)
        name = values.get("name")
        if name is not None:
            d.claim_name(name, (*entry, "name"), ctx)
        if ctx.failed_under(entry) or name is None:
            continue
        probe = TcpCheck(
            name, values["host"].strip(), values["port"], values.get("timeout", d.timeout)
        )
        d.watches.append(Watch(probe, values.get("interval", d.interval)))


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


# --- the sections ---------------------------------------------------------------------------

from onwatch.config_remote import (  # noqa: E402  (the remote sections reuse the kinds above)
    agent_section,
    build_agents,
    build_prometheus,
    host_rules,
    prometheus_section,
)

LOCAL = Table(
    {
        "enabled": Flag(),
        "interval": INTERVAL,
        "processes": Seq(Text()),
        **{metric: Switchable(spec.levels) for metric, spec in LOCAL_METRICS.items()},
    }
)

HTTP = Table(
    {
        "name": Field(Text(validate=check_name), required=True),
        "url": Field(Text(validate=http_url), required=True),
        "method": Field(Choice(HTTP_METHODS), default="GET"),
        "headers": Entries(Text(allow_empty=True), validate_name=header_name),
        "interval": INTERVAL,
        "timeout": TIMEOUT,
        "status": Field(Seq(Number(100, 599, integer=True), min_items=1), default=(200,)),
        "body_contains": Text(),
        "json": JsonExpectations(),
        "verify": Field(Flag(), default=True),
        "latency": duration_levels(with_for=True, low_open=True),
        # 0d is meaningful here: the certificate has expired.
        "cert_expiry": duration_levels(with_for=False, low_open=False),
        "runbook": Text(validate=http_url),
    }
)

TCP = Table(
    {
        "name": Field(Text(validate=check_name), required=True),
        "host": Field(Text(validate=host_name), required=True),
        "port": Field(Number(1, 65535, integer=True), required=True),
        "interval": INTERVAL,
        "timeout": TIMEOUT,
    }
)

SECTIONS: tuple[Section, ...] = (
    Section("operator", Text(), build_operator),
    Section("db", Text(), build_db),
    # Before the checks: their intervals and timeouts default to these.
    Section("defaults", Table({"interval": INTERVAL, "timeout": TIMEOUT}), build_defaults),
    Section("local", LOCAL, build_local, absent={}),
    Section("http", TableArray(HTTP), build_http),
    Section("tcp", TableArray(TCP), build_tcp),
    Section("agent", agent_section(), build_agents),
    Section("prometheus", prometheus_section(), build_prometheus),
    # `absent={}`: the escalation builder relies on build_notify having run unless [notify]
    # was unusable. Channels come first: escalation steps name them.
    Section("notify", NOTIFY, build_notify, absent={}),
    Section("escalation", TableArray(ESCALATION), build_escalation),
    Section("maintenance", TableArray(MAINTENANCE), build_maintenance),
)

DOCUMENT = Table({section.key: section.kind for section in SECTIONS})


def build_document(raw: dict[str, Any], draft: Draft, ctx: Context) -> None:
    values = DOCUMENT.check(raw, (), ctx)
    for section in SECTIONS:
        if section.key in raw and section.key not in values:
            continue  # already reported as the wrong type
        value = values.get(section.key, section.absent)
        if value is not None:
            section.build(value, (section.key,), draft, ctx)


def _login_name() -> str:
    """The account name when the environment does not say (cron, some containers)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except (KeyError, OSError):
        return "operator"
