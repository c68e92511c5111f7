"""What is observed: this host (psutil), HTTP and TCP checks, onwatch agents, Prometheus exporters.

Each collector turns a spec into `incidents.Sample` values and imports nothing else of ours.
`collect(now)` never raises (but for cancellation): every failure is an error sample.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onwatch._lazy import exports
from onwatch.collectors.specs import (
    AgentCheck,
    HttpCheck,
    LocalCheck,
    Probe,
    PrometheusCheck,
    PromRule,
    TcpCheck,
)

if TYPE_CHECKING:
    from onwatch.collectors.base import Collector
    from onwatch.collectors.client import Client

# The collectors pull in psutil and prometheus_client; a CLI command that only reads
# specs should not pay for them, so they load on first use.
_LAZY = {
    "AgentCollector": ".agent",
    "BAD_DATA": ".base",
    "UP": ".base",
    "Collector": ".base",
    "make_client": ".client",
    "HttpCollector": ".http",
    "LocalCollector": ".local",
    "PrometheusCollector": ".prometheus",
    "TcpCollector": ".tcp",
}
__getattr__ = exports(__name__, _LAZY)


def needs_client(probe: Probe) -> bool:
    """Whether the probe's collector speaks HTTP (and so needs the shared client)."""
    return isinstance(probe, HttpCheck | AgentCheck | PrometheusCheck)


def build(probe: Probe, client: Client | None) -> Collector:
    """The collector for a probe; network collectors share `client` (see `make_client`).

    Each kind's module is imported only for a probe of that kind: a config that watches this
    host alone never loads the HTTP client or prometheus_client.
    """
    if needs_client(probe) and client is None:
        raise ValueError(f"{type(probe).__name__} needs an HTTP client")
    match probe:
        case LocalCheck():
            from onwatch.collectors.local import LocalCollector

            return LocalCollector(probe)
        case HttpCheck():
            from onwatch.collectors.http import HttpCollector

            return HttpCollector(probe, client)
        case TcpCheck():
            from onwatch.collectors.tcp import TcpCollector

            return TcpCollector(probe)
        case AgentCheck():
            from onwatch.collectors.agent import AgentCollector

            return AgentCollector(probe, client)
        case PrometheusCheck():
            from onwatch.collectors.prometheus import PrometheusCollector

            return PrometheusCollector(probe, client)
    raise TypeError(f"no collector for {type(probe).__name__}")


__all__ = [
    "BAD_DATA",
    "UP",
    "AgentCheck",
    "AgentCollector",
    "Collector",
    "HttpCheck",
    "HttpCollector",
    "LocalCheck",
    "LocalCollector",
    "Probe",
    "PromRule",
    "PrometheusCheck",
    "PrometheusCollector",
    "TcpCheck",
    "TcpCollector",
    "build",
    "make_client",
    "needs_client",
]
