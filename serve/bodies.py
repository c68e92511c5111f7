"""Request bodies and query parameters: read within limits, every field checked.

The body is read only after the token was checked, at most `MAX_BODY` bytes of it: a larger
one is refused as soon as its length (declared or counted so far) passes the limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import orjson
from starlette.requests import Request

from onwatch.incidents.timefmt import parse_duration
from onwatch.serve.errors import ApiError

MAX_BODY = 64 * 1024
BODY_SECONDS = 10.0
"""A client that takes longer to send 64 KiB is stalling, not slow."""
MAX_NOTE = 4000
MAX_GLOB = 200
MIN_SILENCE = timedelta(seconds=1)
MAX_SILENCE = timedelta(days=90)


async def read_bytes(request: Request, limit: int = MAX_BODY, *, too_large: int = 413) -> bytes:
    """The body, refused with `too_large` as soon as it passes `limit` bytes, or 408 when it stalls."""
    over = ApiError(too_large, f"the body is over {limit // 1024} KiB")
    declared = request.headers.get("content-length")
    if (
        declared is not None
        and (declared.isascii() and declared.isdigit())
        and int(declared) > limit
    ):
        raise over
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_SECONDS):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise over
                chunks.append(chunk)
    except TimeoutError:
        raise ApiError(408, "the body did not arrive in time") from None
    return b"".join(chunks)


async def read_json(request: Request, *, limit: int = MAX_BODY, too_large: int = 413) -> Any:
    """The body as JSON (an empty body is `{}`), refused with `too_large` past `limit` bytes."""
    raw = await read_bytes(request, limit, too_large=too_large)
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ApiError(400, "the body is not valid JSON") from None


async def read_object(request: Request, allowed: Iterable[str]) -> dict[str, Any]:
    """The body as a JSON object (an empty body is `{}`); 400 for unknown keys."""
    value = await read_json(request)
    if not isinstance(value, dict):
        raise ApiError(400, "the body must be a JSON object")
    known = set(allowed)
    unknown = sorted(set(value) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise ApiError(400, f"unknown key {unknown[0]!r}; accepted: {accepted}")
    return value


def text_field(
    body: dict[str, Any], key: str, *, required: bool = False, limit: int = MAX_NOTE
) -> str:
    value = body.get(key)
    if value is None:
        if required:
            raise ApiError(400, f"{key} is required")
        return ""
    if not isinstance(value, str):
        raise ApiError(400, f"{key} must be a string")
    if len(value) > limit:
        raise ApiError(400, f"{key} is longer than {limit} characters")
    if required and not value.strip():
        raise ApiError(400, f"{key} must not be empty")
    return value


def priority_field(body: dict[str, Any]) -> str:
    value = body.get("priority")
    if not isinstance(value, str) or value.strip().upper() not in {f"P{n}" for n in range(1, 6)}:
        raise ApiError(400, "priority must be one of P1, P2, P3, P4, P5")
    return value.strip().upper()


def match_field(body: dict[str, Any]) -> dict[str, str]:
    value = body.get("match")
    if not isinstance(value, dict) or not value:
        raise ApiError(400, "match must be a non-empty object of key -> glob")
    for key, pattern in value.items():
        if not isinstance(pattern, str) or len(pattern) > MAX_GLOB:
            raise ApiError(400, f"match.{key} must be a string of at most {MAX_GLOB} characters")
    return value


def duration_field(body: dict[str, Any], key: str) -> timedelta:
    value = body.get(key)
    if not isinstance(value, str) or len(value) > 40:
        raise ApiError(400, f'{key} must be a duration such as "2h"')
    try:
        duration = parse_duration(value)
    except (ValueError, OverflowError):
        raise ApiError(400, f'{key} must be a duration such as "2h"') from None
    if not MIN_SILENCE <= duration <= MAX_SILENCE:
        raise ApiError(400, f"{key} must be between 1s and 90d")
    return duration


def int_param(request: Request, key: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(key)
    if text is None:
        return default
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not low <= int(text) <= high:
        raise ApiError(400, f"{key} must be an integer from {low} to {high}")
    return int(text)


def since_param(request: Request, now: datetime) -> datetime | None:
    """`since` as a duration back from now ("30d"), None when absent."""
    text = request.query_params.get("since")
    if text is None:
        return None
    try:
        if len(text) > 32:
            raise ValueError(text)
        delta = parse_duration(text)
    except ValueError:
        raise ApiError(400, "since must be a duration such as 30d or 12h") from None
    if delta <= timedelta(0) or delta > timedelta(days=36600):
        raise ApiError(400, "since must be a positive duration of at most 100 years")
    return now - delta


def choice_param(request: Request, key: str, default: str, options: Iterable[str]) -> str:
    text = request.query_params.get(key, default)
    options = tuple(options)
    if text not in options:
        raise ApiError(400, f"{key} must be one of {', '.join(options)}")
    return text


def rating_field(body: dict[str, Any]) -> int:
    value = body.get("rating")
    # bool is an int to Python, not a rating to anyone.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ApiError(400, "rating must be an integer from 1 to 5")
    return value
