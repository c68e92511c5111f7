"""Evidence: what an engineer looks at first, captured as an incident opens.

Collectors attach a plain mapping to a failing sample (an HTTP answer's status, headers and
first bytes; a TCP error and the address tried; a disk's free space); the engine adds what only
it knows (growth over the last hour, the busiest processes). Everything passes through here on
its way into an incident: secrets blanked, size bounded, only JSON-able values kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

MASK = "***"
MAX_EVIDENCE_BYTES = 8192
"""The whole evidence of one incident, as JSON."""
MAX_BODY_PREFIX = 2048
"""Bytes of a response body kept."""
MAX_TEXT = 2048
"""Characters of any one string kept."""

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-auth-token",
        "x-csrf-token",
        "x-xsrf-token",
    }
)
_SECRET_WORDS = re.compile(r"token|secret|passw|api[-_]?key|session|auth|signature|sig$|jwt")


def secret_name(name: str) -> bool:
    """Whether a header or query parameter of this name is likely to carry a credential."""
    lowered = name.strip().lower()
    return lowered in SECRET_HEADERS or bool(_SECRET_WORDS.search(lowered))


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a mapping (repeated ones joined), credential-bearing values blanked."""
    out: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        shown = MASK if secret_name(key) else _clip(value, 512)
        out[key] = f"{out[key]}, {shown}" if key in out else shown
    return out


def redact_url(url: str) -> str:
    """The URL with its userinfo and any credential-looking query values blanked."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{quote(k, safe='')}={MASK if secret_name(k) else quote(v, safe='')}" for k, v in pairs
        )
    if host is None:
        return MASK
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def blank(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of the given secrets (of 4 characters or more) blanked."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def body_prefix(data: bytes, limit: int = MAX_BODY_PREFIX) -> str:
    """The first `limit` bytes of a body as text (undecodable bytes replaced)."""
    return data[:limit].decode("utf-8", errors="replace")


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(value: Any, depth: int = 0) -> Any:
    """Only what JSON holds: mappings with text keys, lists, text, numbers, booleans, None."""
    if depth > 6:
        return None
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        return _clip(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, depth + 1) for v in value[:50]]
    return _clip(str(value))


def _size(value: Any) -> int:
    # As escaped ASCII, the larger of the forms a reader may write it in.
    return len(json.dumps(value).encode())


def _longest_text(value: Any, path: tuple[Any, ...] = ()) -> tuple[int, tuple[Any, ...]]:
    best = (len(value), path) if isinstance(value, str) else (-1, path)
    children: Iterable[tuple[Any, Any]] = ()
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    for key, child in children:
        candidate = _longest_text(child, (*path, key))
        if candidate[0] > best[0]:
            best = candidate
    return best


def bounded(evidence: Mapping[str, Any], limit: int = MAX_EVIDENCE_BYTES) -> dict[str, Any]:
    """`evidence` as plain data within `limit` bytes of JSON: the longest texts are cut first,
    then whole entries dropped from the end; `truncated` says that happened."""
    out = plain(dict(evidence))
    if _size(out) <= limit:
        return out
    out["truncated"] = True
    for _ in range(256):
        if _size(out) <= limit:
            return out
        length, path = _longest_text(out)
        if length < 64:
            break
        parent = out
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = parent[path[-1]][: length // 2] + "…"
    for key in [k for k in out if k != "truncated"][::-1]:
        if _size(out) <= limit:
            break
        del out[key]
    return out


def merged(evidence: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """What was captured at detection plus what the engine added after."""
    return bounded({**evidence, **extra})


_BODY_LINES_SHOWN = 20


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _row(item: Mapping[str, Any]) -> str:
    if "pid" in item:  # a process: the columns an engineer scans
        parts = [f"pid {item.get('pid')}", str(item.get("name", "?"))]
        if item.get("cpu_percent") is not None:
            parts.append(f"cpu {_scalar(item['cpu_percent'])}%")
        if item.get("rss_bytes") is not None:
            parts.append(f"rss {item['rss_bytes'] / 1_048_576:.1f} MiB")
        return "  ".join(parts)
    return "  ".join(f"{k}={_scalar(v)}" for k, v in item.items())


def evidence_lines(evidence: Mapping[str, Any], indent: str = "  ") -> list[str]:
    """The evidence as indented text lines, for the CLI, the console and postmortems."""
    lines: list[str] = []

    def walk(data: Mapping[str, Any], depth: int) -> None:
        pad = indent * depth
        for key, value in data.items():
            if isinstance(value, Mapping):
                lines.append(f"{pad}{key}:")
                walk(value, depth + 1)
            elif isinstance(value, list):
                lines.append(f"{pad}{key}:" + ("" if value else " -"))
                for item in value:
                    text = _row(item) if isinstance(item, Mapping) else _scalar(item)
                    lines.append(f"{pad}{indent}{text}")
            elif isinstance(value, str) and "\n" in value:
                lines.append(f"{pad}{key}:")
                shown = value.splitlines()
                for line in shown[:_BODY_LINES_SHOWN]:
                    lines.append(f"{pad}{indent}{line}")
                if len(shown) > _BODY_LINES_SHOWN:
                    lines.append(f"{pad}{indent}… {len(shown) - _BODY_LINES_SHOWN} more lines")
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}")

    walk(evidence, 0)
    return lines
