"""What a collector reports: one value (or one error) of one metric at one moment."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from onwatch.incidents.model import fingerprint
from onwatch.incidents.timefmt import require_aware


@dataclass(frozen=True, slots=True)
class Sample:
    """A measurement (`value`) or a failure to measure (`error`), never both.

    `source` is the host or service observed, `check` the configured check that produced the
    sample, `metric` what was measured (cpu, latency, up, ...).
    """

    source: str
    check: str
    metric: str
    value: float | None
    at: datetime
    error: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)
    """What a failing sample saw (an HTTP answer's status and headers...), kept by the
    incident it opens; plain JSON-able data, secrets already blanked."""

    def __post_init__(self) -> None:
        require_aware(self.at)
        if (self.value is None) == (self.error is None):
            raise ValueError("a sample carries either a value or an error")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"sample value must be finite, got {self.value!r}")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.source, self.check, self.metric)

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failed(
        cls,
        source: str,
        check: str,
        metric: str,
        error: str,
        at: datetime,
        *,
        evidence: Mapping[str, Any] | None = None,
        **labels: str,
    ) -> Sample:
        return cls(
            source, check, metric, None, at, error=error, labels=labels, evidence=evidence or {}
        )
