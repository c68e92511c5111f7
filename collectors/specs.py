"""What each collector is asked to observe: plain, validated descriptions built from config."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

DEFAULT_TIMEOUT = timedelta(seconds=10)
"""How long a network check waits unless its config says otherwise."""
AGENT_LISTEN = "127.0.0.1:9108"
"""Where `onwatch agent` listens unless told otherwise: loopback, so no token is needed."""


@dataclass(frozen=True, slots=True)
class LocalCheck:
    """This host, through psutil."""

    name: str = "local"
    source: str = field(default_factory=socket.gethostname)
    processes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HttpCheck:
    """One URL fetched on a schedule; `status` lists the acceptable response codes.

    `json` maps dotted paths (`data.items.0.state`) to the value expected there.
    """

    name: str
    url: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: timedelta = DEFAULT_TIMEOUT
    status: tuple[int, ...] = (200,)
    body_contains: str | None = None
    json: Mapping[str, Any] = field(default_factory=dict)
    verify: bool = True

    @property
    def source(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class TcpCheck:
    """A TCP connect to host:port."""

    name: str
    host: str
    port: int
    timeout: timedelta = DEFAULT_TIMEOUT

    @property
    def source(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class AgentCheck:
    """A remote `onwatch agent`, polled at `url` (its base, e.g. http://db1:9108).

    `token` is the bearer token the agent was started with, if any.
    """

    name: str
    url: str
    token: str | None = field(default=None, repr=False)
    timeout: timedelta = DEFAULT_TIMEOUT

    @property
    def source(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class PromRule:
    """One extra series to report from a Prometheus scrape: the first series named `metric`
    whose labels include `labels`. The levels are read by the engine, not by the collector."""

    metric: str
    labels: Mapping[str, str] = field(default_factory=dict)
    warning: float | None = None
    critical: float | None = None


@dataclass(frozen=True, slots=True)
class PrometheusCheck:
    """A node_exporter-style `/metrics` page (`url` is the page itself)."""

    name: str
    url: str
    timeout: timedelta = DEFAULT_TIMEOUT
    rules: tuple[PromRule, ...] = ()

    @property
    def source(self) -> str:
        return self.name


Probe = LocalCheck | HttpCheck | TcpCheck | AgentCheck | PrometheusCheck
