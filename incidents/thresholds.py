"""Thresholds: the warning and critical levels of one metric, with hysteresis and `for`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from onwatch.incidents.model import Category, Severity

DEFAULT_CLEAR_MARGIN = 0.05
"""Recovery needs the value 5% of the threshold back on the safe side of it."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """Warning and critical levels for one metric.

    With `below=True` the bad side is low values (free space, days until a certificate
    expires). `for_` is how long a breach must hold before it counts; `clear` is the level the
    value must cross back before the incident recovers (by default 5% of the lowest breached
    level on the safe side of it).
    """

    warning: float | None = None
    critical: float | None = None
    for_: timedelta = timedelta(0)
    clear: float | None = None
    below: bool = False
    auto_resolve: bool = True
    category: Category = Category.RESOURCE
    unit: str = ""

    def __post_init__(self) -> None:
        if self.warning is None and self.critical is None:
            raise ValueError("a threshold needs a warning or a critical level")
        levels = (self.warning, self.critical, self.clear)
        if any(level is not None and not math.isfinite(level) for level in levels):
            raise ValueError("threshold levels must be finite numbers")
        if self.warning is not None and self.critical is not None:
            if self.below and self.warning < self.critical:
                raise ValueError("warning must be above critical when low values are bad")
            if not self.below and self.warning > self.critical:
                raise ValueError("warning must not be above critical")
        if self.for_ < timedelta(0):
            raise ValueError("`for` cannot be negative")
        if self.clear is not None and self._worse(self.clear, self.first_level):
            side = "above" if self.below else "below"
            raise ValueError(f"clear must be {side} {self.first_level:g}")

    @property
    def first_level(self) -> float:
        """The level crossed first on the way to trouble (warning if set)."""
        return self.warning if self.warning is not None else self.critical  # type: ignore[return-value]

    @property
    def clear_level(self) -> float:
        if self.clear is not None:
            return self.clear
        margin = abs(self.first_level) * DEFAULT_CLEAR_MARGIN
        return self.first_level + margin if self.below else self.first_level - margin

    def _worse(self, value: float, level: float) -> bool:
        return value < level if self.below else value > level

    def _at_or_worse(self, value: float, level: float) -> bool:
        return value <= level if self.below else value >= level

    def level_of(self, value: float) -> Severity | None:
        """The worst level this value breaches, or None."""
        if self.critical is not None and self._at_or_worse(value, self.critical):
            return Severity.CRITICAL
        if self.warning is not None and self._at_or_worse(value, self.warning):
            return Severity.WARNING
        return None

    def level_value(self, severity: Severity) -> float | None:
        return self.critical if severity is Severity.CRITICAL else self.warning

    def recovered(self, value: float) -> bool:
        return not self._at_or_worse(value, self.clear_level)


AVAILABILITY = Threshold(critical=1.0, category=Category.AVAILABILITY)
"""The rule for error samples that have no rule of their own: any failure is critical."""

MONITORING = Threshold(critical=1.0, category=Category.MONITORING)
"""onwatch's own checks: a failure (a sample with an error) is critical and stays `monitoring`."""
MONITORING_WARNING = Threshold(warning=1.0, category=Category.MONITORING)
"""An own check whose failure is a warning: the monitor still works, less well."""
