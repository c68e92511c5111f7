"""What the rules decide about a series: open or fold in a breach, recover, become stable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from onwatch.incidents.model import Category, Severity, fingerprint


@dataclass(frozen=True, slots=True)
class FlapPolicy:
    """A series that opens more than `max_opens` times within `window` is flapping."""

    max_opens: int = 3
    window: timedelta = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Breach:
    """Open an incident, or fold this breach into the open one (upgrading its severity)."""

    source: str
    check: str
    metric: str
    severity: Severity
    category: Category
    value: float | None
    threshold: float | None
    title: str
    at: datetime
    flapping: bool = False
    labels: tuple[tuple[str, str], ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """What the sample saw; kept when the breach opens (or reopens) an incident."""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.source, self.check, self.metric)


@dataclass(frozen=True, slots=True)
class Recovery:
    """The series is healthy again. `flapping` says not to resolve: it has been unstable."""

    fingerprint: str
    value: float | None
    at: datetime
    auto_resolve: bool = True
    flapping: bool = False


@dataclass(frozen=True, slots=True)
class Stable:
    """A flapping series has been quiet for the whole window; `healthy` says how it ended."""

    fingerprint: str
    healthy: bool
    at: datetime


Decision = Breach | Recovery | Stable
