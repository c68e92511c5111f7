"""Time helpers: aware UTC datetimes in, ISO-8601 strings out, durations as text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def require_aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("timestamps must carry a timezone (use UTC)")
    return at


def to_iso(at: datetime) -> str:
    """UTC ISO-8601 with a Z, e.g. 2026-11-27T05:49:17.123456Z."""
    if at.tzinfo is UTC:  # the common case, and a hot one when archiving many incidents
        return at.isoformat().replace("+00:00", "Z")
    return require_aware(at).astimezone(UTC).isoformat().replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a timezone: {text!r}")
    return parsed.astimezone(UTC)


def parse_duration(text: str) -> timedelta:
    """'500ms', '30s', '5m', '1h', '7d', '2w', or combinations such as '1h30m'."""
    if not isinstance(text, str):
        raise ValueError(f"a duration is a string like '30s', got {text!r}")
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        raise ValueError("empty duration")
    position = 0
    seconds = 0.0
    for match in _DURATION_PART.finditer(cleaned):
        if match.start() != position:
            break
        seconds += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position != len(cleaned):
        raise ValueError(f"not a duration: {text!r} (use e.g. 500ms, 30s, 5m, 1h, 7d)")
    return timedelta(seconds=seconds)


_EXACT_UNITS = (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000))


def format_duration(delta: timedelta) -> str:
    """Short human form, as an age or a wait reads: 250ms, 45s, 12m, 3h05m, 2d04h."""
    if timedelta(0) < delta < timedelta(seconds=1):
        return f"{round(delta.total_seconds() * 1000)}ms"
    total = max(0, int(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{seconds:02d}s" if seconds and minutes < 10 else f"{minutes}m"
    return f"{seconds}s"


def next_text_change(delta: timedelta) -> timedelta:
    """The duration at which `format_duration`'s text for `delta` next changes: a view showing
    thousands of ages redraws one when its text would change, not on every tick."""
    if timedelta(0) < delta < timedelta(seconds=1):
        return timedelta(seconds=1)
    total = max(0, int(delta.total_seconds()))
    step = 1 if total < 600 else 60 if total < 86400 else 3600
    return timedelta(seconds=(total // step + 1) * step)


def exact_duration(delta: timedelta) -> str:
    """The form a config file takes (and `parse_duration` reads back), for settings and
    timeouts: the largest unit that says it exactly (500ms, 1.5s, 90s, 2m, 1h, 7d)."""
    millis = round(delta.total_seconds() * 1000)
    if millis == 0:
        return "0s"
    for unit, size in _EXACT_UNITS:
        if millis % size == 0:
            return f"{millis // size}{unit}"
    if abs(millis) >= 1000:
        whole, rest = divmod(millis, 1000)
        return f"{whole}.{rest:03d}".rstrip("0") + "s"
    return f"{millis}ms"
