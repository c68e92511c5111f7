"""Metric names and text that came from another machine, made safe to show in a title."""

from __future__ import annotations

import re

# Control characters, and the invisible ones that reorder text: neither belongs in a title.
_UNSAFE = r"\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
# A short lowercase kind, then for per-thing metrics ("disk:/var", "process:nginx") a name.
METRIC_NAME = re.compile(rf"[a-z][a-z0-9_]{{0,31}}(?::[^{_UNSAFE}]{{1,255}})?")
PRINTABLE = re.compile(rf"[^{_UNSAFE}]*")


def shown(text: str, limit: int = 40) -> str:
    """Untrusted text quoted, escaped and cut short, to quote in a reason."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
