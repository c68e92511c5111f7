"""`json = { "a.b" = 1 }` expectations: find a dotted path in a document and compare."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_MISSING = object()
_SHOWN = 60


def find(document: Any, path: str) -> Any:
    """The value at a dotted path (`items.0.state` indexes lists), or `_MISSING`."""
    current = document
    for part in path.split("."):
        if isinstance(current, dict):
            if part not in current:
                return _MISSING
            current = current[part]
        elif (
            isinstance(current, list)
            and part.isascii()
            and part.isdigit()
            and int(part) < len(current)
        ):
            current = current[int(part)]
        else:
            return _MISSING
    return current


def same(expected: Any, actual: Any) -> bool:
    """Equality as JSON means it: `true` is not `1`, though `1` is `1.0`."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(same, expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            same(value, actual[key]) for key, value in expected.items()
        )
    return expected == actual


def show(value: Any) -> str:
    if value is _MISSING:
        return "nothing"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def mismatch(document: Any, expected: Mapping[str, Any]) -> str | None:
    """The first expectation the document breaks, as an incident reason, or None."""
    for path, want in expected.items():
        got = find(document, path)
        if got is _MISSING or not same(want, got):
            return f"JSON mismatch at {path}: expected {show(want)}, got {show(got)}"
    return None
