"""What a failing check saw, for the incident it opens: built only when a check fails."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from typing import Any

from onwatch.incidents.evidence import blank, body_prefix, redact_headers, redact_url

RESOLVE_WAIT = 1.0
"""Seconds a failed check spends finding out which address its name resolves to."""


def format_address(address: tuple[Any, ...]) -> str:
    host, port = address[0], address[1]
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


async def resolved(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (at most four), or none if it does not resolve in time."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_WAIT):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError):
        return []
    addresses = list(dict.fromkeys(format_address(info[4]) for info in infos))
    return addresses[:4]


def http_answer(
    *,
    url: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
    address: str | None,
    seconds: float,
    sent: Mapping[str, str],
) -> dict[str, Any]:
    """An HTTP answer that did arrive but was wrong. The check's own header values (a token it
    sends) are blanked wherever the server echoes them back."""
    secrets = list(sent.values())
    return {
        "url": redact_url(url),
        "status": status,
        "headers": {k: blank(v, secrets) for k, v in redact_headers(headers).items()},
        "body": blank(body_prefix(body), secrets),
        "address": address,
        "seconds": round(seconds, 4),
    }


def http_failure(*, url: str, error: str, addresses: list[str], seconds: float) -> dict[str, Any]:
    """An HTTP exchange that got no usable answer."""
    return {
        "url": redact_url(url),
        "error": error,
        "address": addresses[0] if addresses else None,
        "addresses": addresses,
        "seconds": round(seconds, 4),
    }


def tcp_failure(
    *, host: str, port: int, error: str, addresses: list[str], seconds: float
) -> dict[str, Any]:
    return {
        "target": f"{host}:{port}",
        "error": error,
        "address": addresses[0] if addresses else None,
        "addresses": addresses,
        "seconds": round(seconds, 4),
    }
