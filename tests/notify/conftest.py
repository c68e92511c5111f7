"""Real parts for notify tests: an HTTP receiver for json:// URLs, a peer that never answers, and
a private D-Bus session with Debian's python3-dbusmock notification daemon."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from onwatch.incidents import Category, Incident, Severity, lifecycle
from tests.support.receiver import Receiver

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def make_incident(
    incident_id: int = 12,
    *,
    source: str = "web-01",
    check: str = "api",
    severity: Severity = Severity.CRITICAL,
    title: str = "api latency 950ms above critical 500ms",
) -> Incident:
    return lifecycle.open_incident(
        incident_id=incident_id,
        source=source,
        check=check,
        metric="latency",
        title=title,
        severity=severity,
        category=Category.LATENCY,
        value=950.0,
        threshold=500.0,
        at=T0,
    )


@dataclass
class Outcomes:
    """Records what the dispatcher reports, as the engine would write it on timelines."""

    seen: list[tuple[int, str, str]] = field(default_factory=list)

    def __call__(self, incident_id: int, kind: str, text: str) -> None:
        self.seen.append((incident_id, kind, text))

    def texts(self, incident_id: int | None = None) -> list[str]:
        return [t for i, _, t in self.seen if incident_id is None or i == incident_id]


@pytest.fixture
def outcomes() -> Outcomes:
    return Outcomes()


# --- an HTTP receiver for apprise's json:// (tests/support/receiver.py) ---------------------


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def silent_peer() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
