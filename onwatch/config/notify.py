"""`[notify]`: who is told and how often: channels, reminders, storm grouping, the bell.

Channel URLs are secrets: no message here ever repeats one, whatever went wrong.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.problems import INVALID, Context
from onwatch.config.schema import Choice, Duration, Flag, Kind, Number, Text
from onwatch.config.tables import Entries, Field, Table, default_of
from onwatch.engine.specs import NotifySettings
from onwatch.incidents.model import Severity
from onwatch.incidents.timefmt import exact_duration
from onwatch.notify.channels import AppriseSender, Channel, InvalidChannel
from onwatch.notify.redact import Redactor

SEVERITIES = tuple(severity.value for severity in Severity)
_MIN_SEVERITY: Severity = default_of(Channel, "min_severity")
_SEND_RESOLVED: bool = default_of(Channel, "send_resolved")
_AT_LEAST_A_MINUTE = timedelta(minutes=1)


def channel_address(text: str) -> str | None:
    # Addresses often carry tokens, so the message never repeats the value.
    if "://" not in text:
        return 'expected an apprise URL such as "mailto://user@example.com"'
    return None


def _channel_name(text: str) -> str | None:
    # Steps name channels by these keys, and a step cannot name a blank one.
    return "channel names must not be empty" if not text.strip() else None


_CHANNEL_URL = Text(validate=channel_address)
CHANNEL_TABLE = Table(
    {
        "url": Field(_CHANNEL_URL, required=True),
        "min_severity": Choice(SEVERITIES),
        "send_resolved": Flag(),
    }
)


class ChannelSpec(Kind):
    """`name = "slack://..."` or `name = { url = "...", min_severity = "critical" }`; both
    come out as the table form."""

    expected = "an apprise URL or a table with url"

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if isinstance(value, str):
            url = _CHANNEL_URL.check(value, path, ctx)
            return INVALID if url is INVALID else {"url": url}
        if isinstance(value, dict):
            return CHANNEL_TABLE.check(value, path, ctx)
        if value is INVALID:
            return INVALID
        ctx.error(path, f"expected {self.expected}, got {ctx.describe(value)}")
        return INVALID


OPTIONS: dict[str, Kind] = {
    "desktop": Flag(),
    "renotify": Duration(_AT_LEAST_A_MINUTE),
    "renotify_backoff": Number(1.0),
    "ack_timeout": Duration(_AT_LEAST_A_MINUTE),
    "storm_threshold": Number(1, integer=True),
}
"""The keys that set a `NotifySettings` field of the same name."""

NOTIFY = Table(
    {
        "bell": Flag(),
        **OPTIONS,
        "send_resolved": Flag(),
        "channels": Entries(ChannelSpec(), validate_name=_channel_name),
    }
)


def build_notify(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    draft.bell = values.get("bell", draft.bell)
    notify = draft.notify
    options = {key: values[key] for key in OPTIONS if key in values}
    if "renotify_backoff" in values and "renotify" not in values:
        del options["renotify_backoff"]
        # A bad renotify is reported already; a missing one makes the backoff meaningless.
        if not ctx.failed_under((*path, "renotify")):
            ctx.error((*path, "renotify_backoff"), 'needs renotify too, e.g. renotify = "30m"')
    if values.get("desktop") is True:
        options["desktop_asked"] = True
    notify.settings = dataclasses.replace(notify.settings, **options)
    channels_path = (*path, "channels")
    if "channels" not in values and ctx.failed_under(channels_path):
        return
    notify.channels_known = True
    send_resolved = values.get("send_resolved", _SEND_RESOLVED)
    for name, spec in values.get("channels", {}).items():
        url = spec.get("url")
        if url is None:
            continue  # already reported as missing
        url = url.strip()
        draft.channels[name] = url
        channel = Channel(
            name,
            url,
            Severity(spec.get("min_severity", _MIN_SEVERITY.value)),
            spec.get("send_resolved", send_resolved),
        )
        wrong = unusable(channel)
        if wrong:
            ctx.error((*channels_path, name), wrong)
        else:
            notify.channels[name] = channel


def unusable(channel: Channel) -> str | None:
    """Why apprise cannot send to `channel`, in words that never include its URL."""
    try:
        AppriseSender(channel)
    except InvalidChannel as exc:
        text = str(exc).removeprefix(f"channel {channel.name}: ")
        # The sender promises not to include the URL; the redactor makes sure of it.
        return Redactor.for_urls([channel.url]).redact(text)
    except Exception:  # apprise plugins parse URLs their own way; any failure is a refusal
        return "not a notification URL apprise understands"
    return None


# --- check-config ---------------------------------------------------------------------------


def summarize_notify(config: Config) -> list[str]:
    """The channels (their schemes only) and, once anything can be notified, the timers."""
    lines = []
    notify = config.notify
    if config.channels:
        sendable = {channel.name: channel for channel in notify.channels}
        described = (
            _describe_channel(name, address, sendable.get(name))
            for name, address in config.channels.items()
        )
        lines.append("channels: " + ", ".join(described))
    # Timers only matter once something can be notified; the default file stays short.
    if config.channels or _options(notify) != _options(NotifySettings()):
        lines.append(_describe_timers(notify))
    return lines


def summarize_bell(config: Config) -> list[str]:
    return ["bell: rings on new incidents"] if config.bell else []


def _describe_channel(name: str, address: str, channel: Channel | None) -> str:
    # Only the scheme: the rest of an apprise URL is usually a secret.
    if not address:
        return f"{name} (no address yet)"
    details = [address.split("://", 1)[0]]
    if channel is not None and channel.min_severity is not _MIN_SEVERITY:
        details.append(f"min_severity {channel.min_severity}")
    if channel is not None and channel.send_resolved:
        details.append("send_resolved")
    return f"{name} ({', '.join(details)})"


def _options(notify: NotifySettings) -> tuple[object, ...]:
    return tuple(getattr(notify, key) for key in OPTIONS)


def _describe_timers(notify: NotifySettings) -> str:
    parts = [f"desktop {'on' if notify.desktop else 'off'}"]
    if notify.renotify is None:
        parts.append("no renotify")
    else:
        every = f"renotify every {exact_duration(notify.renotify)}"
        if notify.renotify_backoff != 1.0:
            every += f" (backoff x{notify.renotify_backoff:g})"
        parts.append(every)
    if notify.ack_timeout is None:
        parts.append("no ack timeout")
    else:
        parts.append(f"ack timeout {exact_duration(notify.ack_timeout)}")
    parts.append(f"storm threshold {notify.storm_threshold}")
    return "notify: " + ", ".join(parts)


# `absent={}`: the escalation builder relies on build_notify having run unless [notify]
# was unusable.
SECTION = Section("notify", NOTIFY, build_notify, absent={})
