"""The agent's wire format: what `onwatch agent` sends, and the strict reading of it.

    {"host": "db1", "at": "2026-01-02T03:04:05Z",
     "metrics": {"cpu": 12.5, "disk:/": 40.1, ...}, "errors": {"disk:/mnt/nfs": "..."}}

The poller trusts nothing in it: every name, type and range is checked, and a payload that is
wrong as a whole is dropped rather than half-read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from onwatch.collectors.base import BadData
from onwatch.collectors.names import METRIC_NAME, PRINTABLE, shown
from onwatch.incidents.sample import Sample
from onwatch.incidents.timefmt import from_iso, to_iso

PATH = "/v1/sample"
MAX_METRICS = 500
MAX_HOST = 253
MAX_ERROR = 200

_PERCENT = (0.0, 100.0)
_RANGES: Mapping[str, tuple[float, float]] = {
    "cpu": _PERCENT,
    "memory": _PERCENT,
    "swap": _PERCENT,
    "disk": _PERCENT,
    "load": (0.0, 1e6),
    "load1": (0.0, 1e6),
    "load15": (0.0, 1e6),
    "net_errors": (0.0, 1e9),
    "net_drops": (0.0, 1e9),
    "process": (0.0, 1e7),
}
_OTHER_RANGE = (-1e15, 1e15)


@dataclass(frozen=True, slots=True)
class Reading:
    host: str
    values: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """What was wrong with single metrics (dropped); the rest of the reading is usable."""


def encode(host: str, at: datetime, samples: Iterable[Sample]) -> bytes:
    values: dict[str, float] = {}
    errors: dict[str, str] = {}
    for sample in samples:
        if sample.value is not None:
            values[sample.metric] = sample.value
        elif sample.error is not None:
            errors[sample.metric] = sample.error
    document = {"host": host, "at": to_iso(at), "metrics": values, "errors": errors}
    return json.dumps(document, allow_nan=False, ensure_ascii=False).encode()


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _value_problem(name: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{name} is a {_json_type(value)}, expected a number"
    if isinstance(value, int) and abs(value) > 10**18:
        return f"{name} is an absurd integer"
    number = float(value)
    if math.isnan(number):
        return f"{name} is NaN"
    if math.isinf(number):
        return f"{name} is infinite"
    low, high = _RANGES.get(name.split(":", 1)[0], _OTHER_RANGE)
    if not low <= number <= high:
        return f"{name} is {number:g}, outside {low:g}..{high:g}"
    return None


def _text(value: Any, limit: int) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= limit and PRINTABLE.fullmatch(value):
        return value
    return None


def _checked_map(document: dict[str, Any], key: str, required: bool) -> dict[str, Any]:
    found = document.get(key, None if required else {})
    if not isinstance(found, dict):
        raise BadData(f"{key} is {'missing' if found is None else 'not an object'}")
    if len(found) > MAX_METRICS:
        raise BadData(f"{len(found)} {key}, at most {MAX_METRICS}")
    return found


def decode(data: bytes) -> Reading:
    """Read a payload. Raises BadData when it is unusable; single bad metrics are dropped and
    listed in `problems`."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise BadData("body is not JSON") from None
    if not isinstance(document, dict):
        raise BadData(f"expected an object, got {_json_type(document)}")
    host = _text(document.get("host"), MAX_HOST)
    if host is None:
        raise BadData("host is missing or not a short string")
    at = document.get("at")
    try:
        if not isinstance(at, str) or len(at) > 64:
            raise ValueError
        from_iso(at)
    except ValueError:
        raise BadData("at is not an ISO-8601 time") from None
    metrics = _checked_map(document, "metrics", required=True)
    errors = _checked_map(document, "errors", required=False)
    reading = Reading(host)
    for name, value in metrics.items():
        if not METRIC_NAME.fullmatch(name):
            reading.problems.append(f"metric name {shown(name)} is not allowed")
            continue
        problem = _value_problem(name, value)
        if problem:
            reading.problems.append(problem)
        else:
            reading.values[name] = float(value)
    for name, text in errors.items():
        if not METRIC_NAME.fullmatch(name):
            reading.problems.append(f"metric name {shown(name)} is not allowed")
        elif _text(text, MAX_ERROR) is None:
            reading.problems.append(f"error for {name} is not a short string")
        else:
            reading.errors[name] = text
    return reading
