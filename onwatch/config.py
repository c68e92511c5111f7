"""Config files -> the spec objects each package defines (`Watch`, `HttpCheck`, `Threshold`...).

Two formats: TOML (the real one) and the seed JSON the project started with. Either way the
whole file is checked in one pass and every problem is reported with file, line and key, so a
typo costs one edit, not one run per mistake. No config at all is fine: onwatch then watches
this host with built-in thresholds.

The pieces live next door: `config_schema` (value kinds and problems), `config_sections` (the
TOML sections), `config_notify` (channels, escalation, maintenance), `config_thresholds`,
`config_seed`, `config_env` (`${VAR}`) and `config_locate` (line numbers).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit, urlunsplit

import platformdirs

from onwatch.collectors.specs import AgentCheck, HttpCheck, LocalCheck, PrometheusCheck, TcpCheck
from onwatch.config_env import substitute
from onwatch.config_locate import locate_json, locate_toml
from onwatch.config_problems import ConfigError, Context, Problem, quote, show_duration
from onwatch.config_sections import Draft, build_document, expand_home
from onwatch.config_seed import build_seed
from onwatch.config_thresholds import describe_threshold
from onwatch.engine.specs import NotifySettings, Watch
from onwatch.incidents import Severity
from onwatch.incidents.escalation import EscalationPolicy
from onwatch.notify.channels import Channel

__all__ = [
    "BUILT_IN",
    "Config",
    "ConfigError",
    "Problem",
    "default_config",
    "load_config",
    "locate_config",
    "parse_config",
    "summarize",
]

BUILT_IN = "<built-in>"
ENV_VAR = "ONWATCH_CONFIG"
CONFIG_NAME = "config.toml"

_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")


@dataclass(frozen=True)
class Config:
    """Everything onwatch needs to start, already validated."""

    file: Path | None
    """The file this came from; None for the built-in default."""
    operator: str
    """Who the timeline names for actions typed here: `operator`, else $USER, else "operator"."""
    db: Path | None
    """The incident store; None lets the store pick its default location."""
    interval: timedelta
    """`[defaults] interval`: how often checks run unless they say otherwise."""
    timeout: timedelta
    """`[defaults] timeout` for network checks."""
    watches: tuple[Watch, ...]
    """Every check with its schedule and rules; this host's check first when enabled."""
    channels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Channel name -> apprise URL; "" for channels named in the seed JSON without an address."""
    escalation: tuple[str, ...] = ()
    """Channel names escalated to, in order (seed JSON `notification.escalation`)."""
    warnings: tuple[Problem, ...] = ()
    """Things that work but deserve a look; the CLI prints them at start."""
    runbooks: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Check name -> runbook URL, for checks that have one."""
    bell: bool = False
    """`[notify] bell`: ring the terminal bell on new incidents."""
    notify: NotifySettings = field(default_factory=NotifySettings)
    """Channels that can be sent to, escalation policies, maintenance windows and timers.

    Seed channels without an address are in `channels` only; the seed policy still names them.
    """


def locate_config(explicit: str | Path | None, env: Mapping[str, str]) -> Path | None:
    """--config PATH, else $ONWATCH_CONFIG, else the user config file if it exists, else None."""
    if explicit is not None and str(explicit) != "":
        return expand_home(str(explicit), env)
    from_env = env.get(ENV_VAR, "").strip()
    if from_env:
        return expand_home(from_env, env)
    candidate = _user_config_dir(env) / CONFIG_NAME
    return candidate if candidate.exists() else None


def _user_config_dir(env: Mapping[str, str]) -> Path:
    # platformdirs reads os.environ; honour the mapping we were given where platformdirs would
    # have honoured the variable itself (XDG applies on Linux and the BSDs, not macOS/Windows).
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    if xdg and Path(xdg).is_absolute() and sys.platform not in ("darwin", "win32"):
        return Path(xdg) / "onwatch"
    return platformdirs.user_config_path("onwatch")


def load_config(explicit: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Locate, read and parse the config; ConfigError is the only exception it raises."""
    env = os.environ if env is None else env
    path = locate_config(explicit, env)
    if path is None:
        return default_config(env)
    text = _read(path)
    return parse_config(text, str(path), env)


def _read(path: Path) -> str:
    def fail(message: str, line: int | None = None) -> ConfigError:
        return ConfigError([Problem(str(path), line, "", message)])

    try:
        if path.is_dir():
            raise fail("is a directory, not a config file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except PermissionError:
        raise fail("cannot read the file: permission denied") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the name
        raise fail("not a valid file name") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line) from None


def parse_config(text: str, file: str, env: Mapping[str, str]) -> Config:
    """TOML, or the seed JSON when the text starts with "{" or the file name ends in .json."""
    try:
        return _parse(text, file, env)
    except RecursionError:
        # Parsers, locator and validators all recurse into nested arrays and tables.
        raise ConfigError([Problem(file, None, "", "values are nested too deeply")]) from None


def _parse(text: str, file: str, env: Mapping[str, str]) -> Config:
    is_json = text.lstrip().startswith("{") or file.lower().endswith(".json")
    raw = _parse_json(text, file) if is_json else _parse_toml(text, file)
    ctx = Context(file, locate_json(text) if is_json else locate_toml(text), json=is_json)
    raw = substitute(raw, (), env, ctx)
    draft = Draft(file, env)
    if is_json:
        build_seed(raw, draft, ctx)
    else:
        build_document(raw, draft, ctx)
    if ctx.errors:
        raise ConfigError(ctx.errors, ctx.warnings)
    return _freeze(draft, Path(file), ctx.warnings)


def _parse_toml(text: str, file: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        found = _AT_LINE.search(message)
        if found:
            line = int(found.group(1))
            message = f"{message[: found.start()]} (column {found.group(2)})"
        elif _AT_END.search(message):
            line = text.count("\n") + 1
            message = _AT_END.sub(" (at the end of the file)", message)
        raise ConfigError([Problem(file, line, "", f"invalid TOML: {message}")]) from None


def _parse_json(text: str, file: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem(file, exc.lineno, "", f"invalid JSON: {exc.msg} (column {exc.colno})")
        raise ConfigError([problem]) from None


def default_config(env: Mapping[str, str] | None = None) -> Config:
    """No config file: watch this host with the built-in thresholds."""
    env = os.environ if env is None else env
    draft = Draft(BUILT_IN, env)
    build_document({}, draft, Context(BUILT_IN))
    return _freeze(draft, None, [])


def _freeze(draft: Draft, file: Path | None, warnings: list[Problem]) -> Config:
    return Config(
        file=file,
        operator=draft.operator,
        db=draft.db,
        interval=draft.interval,
        timeout=draft.timeout,
        watches=tuple(draft.watches),
        channels=MappingProxyType(dict(draft.channels)),
        escalation=tuple(draft.escalation),
        warnings=tuple(warnings),
        runbooks=MappingProxyType(dict(draft.runbooks)),
        bell=draft.bell,
        notify=draft.notify.freeze(),
    )


# --- summary --------------------------------------------------------------------------------

_LOCAL_ORDER = ("cpu", "memory", "disk", "swap", "load")


def summarize(config: Config) -> list[str]:
    """Short lines saying what will be watched and where things go, for `onwatch config`."""
    lines = [f"config: {config.file}" if config.file else "config: built-in default (no file)"]
    if not any(isinstance(watch.probe, LocalCheck) for watch in config.watches):
        lines.append("this host: not watched ([local] enabled = false)")
    lines.extend(_describe_watch(watch, config) for watch in config.watches)
    lines.append(f"operator: {config.operator}")
    lines.append(f"db: {config.db}" if config.db else "db: default location")
    notify = config.notify
    if config.channels:
        sendable = {channel.name: channel for channel in notify.channels}
        lines.append(
            "channels: "
            + ", ".join(
                _describe_channel(name, address, sendable.get(name))
                for name, address in config.channels.items()
            )
        )
    # Timers only matter once something can be notified; the default file stays short.
    if config.channels or _notify_options(notify) != _notify_options(NotifySettings()):
        lines.append(_describe_notify(notify))
    lines.extend(_describe_policy(policy) for policy in notify.policies)
    # The seed's list is shown as the policy it became; this covers Configs made by hand.
    if config.escalation and not notify.policies:
        lines.append("escalation: " + " -> ".join(config.escalation))
    lines.extend(window.describe() for window in notify.maintenance)
    if config.bell:
        lines.append("bell: rings on new incidents")
    return lines


def _describe_channel(name: str, address: str, channel: Channel | None) -> str:
    # Only the scheme: the rest of an apprise URL is usually a secret.
    if not address:
        return f"{name} (no address yet)"
    details = [address.split("://", 1)[0]]
    if channel is not None and channel.min_severity is not Severity.INFO:
        details.append(f"min_severity {channel.min_severity}")
    if channel is not None and channel.send_resolved:
        details.append("send_resolved")
    return f"{name} ({', '.join(details)})"


def _notify_options(notify: NotifySettings) -> tuple[object, ...]:
    return (
        notify.desktop,
        notify.renotify,
        notify.renotify_backoff,
        notify.ack_timeout,
        notify.storm_threshold,
    )


def _describe_notify(notify: NotifySettings) -> str:
    parts = [f"desktop {'on' if notify.desktop else 'off'}"]
    if notify.renotify is None:
        parts.append("no renotify")
    else:
        every = f"renotify every {show_duration(notify.renotify)}"
        if notify.renotify_backoff != 1.0:
            every += f" (backoff x{notify.renotify_backoff:g})"
        parts.append(every)
    if notify.ack_timeout is None:
        parts.append("no ack timeout")
    else:
        parts.append(f"ack timeout {show_duration(notify.ack_timeout)}")
    parts.append(f"storm threshold {notify.storm_threshold}")
    return "notify: " + ", ".join(parts)


def _describe_policy(policy: EscalationPolicy) -> str:
    match = ", ".join(f"{key}={pattern}" for key, pattern in sorted(policy.match.items()))
    steps = " -> ".join(
        f"{_show_after(step.after)} {'+'.join(step.notify)}" for step in policy.steps
    )
    return f"escalation {policy.name} ({match or 'everything'}): {steps}, repeat {policy.repeat}"


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _describe_watch(watch: Watch, config: Config) -> str:
    probe = watch.probe
    every = f"every {show_duration(watch.interval)}"
    if isinstance(probe, LocalCheck):
        rules = [
            f"{metric} {describe_threshold(watch.rules[metric])}"
            if metric in watch.rules
            else f"{metric} off"
            for metric in _LOCAL_ORDER
        ]
        text = f"this host ({probe.source}): {', '.join(rules)}; {every}"
        if probe.processes:
            text += f"; processes {', '.join(probe.processes)}"
        return text
    if isinstance(probe, HttpCheck):
        parts = [f"http {probe.name}: {probe.method} {_without_password(probe.url)} {every}"]
        parts.append("status " + "/".join(str(code) for code in probe.status))
        if probe.timeout != config.timeout:
            parts.append(f"timeout {show_duration(probe.timeout)}")
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
        return ", ".join(parts)
    if isinstance(probe, TcpCheck):
        return f"tcp {probe.name}: connect {probe.host}:{probe.port} {every}"
    if isinstance(probe, AgentCheck | PrometheusCheck):
        kind = "agent" if isinstance(probe, AgentCheck) else "prometheus"
        rules = ", ".join(
            f"{metric} {describe_threshold(rule)}" for metric, rule in watch.rules.items()
        )
        auth = ", token set" if isinstance(probe, AgentCheck) and probe.token else ""
        return f"{kind} {probe.name}: {_without_password(probe.url)} {every}{auth}; {rules}"
    return f"{watch.name}: {every}"


def _show_after(after: timedelta) -> str:
    # Steps are written in minutes, so "0m" reads as the config does; show_duration says "0s".
    return "0m" if after == timedelta(0) else show_duration(after)
