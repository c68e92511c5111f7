"""What is observed: this host (psutil), HTTP and TCP checks, onwatch agents, Prometheus exporters.

Each collector turns a spec into `incidents.Sample` values and imports nothing else of ours.
`collect(now)` never raises (but for cancellation): every failure is an error sample.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from collectors.specs import (
    AgentCheck,
    HttpCheck,
    LocalCheck,
    Probe,
    PrometheusCheck,
    PromRule,
    TcpCheck,
)

if TYPE_CHECKING:
    import httpx

    from collectors.base import Collector

# The collectors pull in httpx, psutil and prometheus_client; a CLI command that only reads
# specs should not pay for them, so they load on first use.
_LAZY = {
    "AgentCollector": "collectors.agent",
    "BAD_DATA": "collectors.base",
    "UP": "collectors.base",
    "Collector": "collectors.base",
    "make_client": "collectors.client",
    "HttpCollector": "collectors.http",
    "LocalCollector": "collectors.local",
    "PrometheusCollector": "collectors.prometheus",
    "TcpCollector": "collectors.tcp",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'collectors' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def build(probe: Probe, client: httpx.AsyncClient) -> Collector:
    """The collector for a probe; network collectors share `client` (see `make_client`)."""
    from collectors.agent import AgentCollector
    from collectors.http import HttpCollector
    from collectors.local import LocalCollector
    from collectors.prometheus import PrometheusCollector
    from collectors.tcp import TcpCollector

    match probe:
        case LocalCheck():
            return LocalCollector(probe)
        case HttpCheck():
            return HttpCollector(probe, client)
        case TcpCheck():
            return TcpCollector(probe)
        case AgentCheck():
            return AgentCollector(probe, client)
        case PrometheusCheck():
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
]
