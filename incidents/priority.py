"""Priority from severity and category.

The table, P1 most urgent:

| severity \\ category | availability, reported, monitoring | latency, resource, certificate, external | forecast, anomaly |
|----------------------|--------------|------------------------------------------|-------------------|
| critical             | P1           | P2                                       | P3                |
| warning              | P2           | P3                                       | P4                |
| info                 | P4           | P5                                       | P5                |

onwatch's own health (monitoring) ranks with availability: while the monitor is blind, every
other incident may go unseen. A service that is down outranks one that is slow or full; a
prediction outranks nothing that has already happened. The operator can override the result on any incident.
"""

from __future__ import annotations

from onwatch.incidents.model import Category, Priority, Severity

_PREDICTIVE = frozenset({Category.FORECAST, Category.ANOMALY})

_TABLE: dict[Severity, tuple[Priority, Priority, Priority]] = {
    # (availability, everything observed, predictive)
    Severity.CRITICAL: (Priority.P1, Priority.P2, Priority.P3),
    Severity.WARNING: (Priority.P2, Priority.P3, Priority.P4),
    Severity.INFO: (Priority.P4, Priority.P5, Priority.P5),
}


def derive_priority(severity: Severity, category: Category) -> Priority:
    availability, observed, predictive = _TABLE[severity]
    if category in (Category.AVAILABILITY, Category.REPORTED, Category.MONITORING):
        return availability
    if category in _PREDICTIVE:
        return predictive
    return observed
