"""What is observed: this host (psutil), HTTP and TCP checks, onwatch agents, Prometheus exporters.

Each collector turns a spec into `incidents.Sample` values and imports nothing else of ours.
`collect(now)` never raises (but for cancellation): every failure is an error sample.
"""

from __future__ import annotations

import httpx

from collectors.agent import AgentCollector
from collectors.base import BAD_DATA, UP, Collector
from collectors.client import make_client
from collectors.http import HttpCollector
from collectors.local import LocalCollector
from collectors.prometheus import PrometheusCollector
from collectors.specs import (
    AgentCheck,
    HttpCheck,
    LocalCheck,
    Probe,
    PrometheusCheck,
    PromRule,
    TcpCheck,
)
from collectors.tcp import TcpCollector


def build(probe: Probe, client: httpx.AsyncClient) -> Collector:
    """The collector for a probe; network collectors share `client` (see `make_client`)."""
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
