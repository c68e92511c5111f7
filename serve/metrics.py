"""`GET /metrics`: Prometheus text from a registry of the server's own (never the global one,
so two apps in one process, as in tests, never collide).

Counters follow the engine's events: a check failed when any of its samples carries an error;
a delivery outcome is a NOTIFY entry on a timeline ("notified oncall", "oncall failed: ...")
arriving as an `Event.NOTIFIED` change. Open incidents are counted at scrape time.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

from onwatch.engine.events import CheckRan, EngineEvent, IncidentChanged
from onwatch.incidents import Event, Incident
from onwatch.incidents.model import EntryKind

DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _OpenIncidents(Collector):
    def __init__(self, incidents: Callable[[], Iterable[Incident]]) -> None:
        self._incidents = incidents

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "onwatch_incidents_open",
            "Unclosed incidents by severity and state",
            labels=["severity", "state"],
        )
        counts = Tally((i.severity.value, i.state.value) for i in self._incidents())
        for (severity, state), count in sorted(counts.items()):
            family.add_metric([severity, state], count)
        yield family


def delivery_outcomes(incident: Incident) -> list[str]:
    """The NOTIFY entries one outcomes job just wrote: the trailing ones sharing its moment."""
    timeline = incident.timeline
    if not timeline:
        return []
    last_at = timeline[-1].at
    found: list[str] = []
    for entry in reversed(timeline):
        if entry.kind != EntryKind.NOTIFY or entry.at != last_at:
            break
        found.append(entry.note)
    return found


class Metrics:
    def __init__(self, incidents: Callable[[], Iterable[Incident]]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.checks = Counter("onwatch_checks", "Checks run", registry=self.registry)
        self.failures = Counter(
            "onwatch_check_failures", "Checks with a sample that failed", registry=self.registry
        )
        self.duration = Histogram(
            "onwatch_check_duration_seconds",
            "How long checks took",
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.sent = Counter(
            "onwatch_notifications_sent", "Notifications delivered", registry=self.registry
        )
        self.failed = Counter(
            "onwatch_notifications_failed",
            "Delivery attempts that failed (each retry counts)",
            registry=self.registry,
        )
        self.registry.register(_OpenIncidents(incidents))

    def observe(self, event: EngineEvent) -> None:
        """An engine subscriber: cheap, synchronous, never raises for a well-formed event."""
        if isinstance(event, CheckRan):
            self.checks.inc()
            self.duration.observe(event.duration.total_seconds())
            if any(sample.error is not None for sample in event.samples):
                self.failures.inc()
        elif isinstance(event, IncidentChanged) and event.change.event is Event.NOTIFIED:
            for text in delivery_outcomes(event.change.incident):
                if text.startswith("notified "):
                    self.sent.inc()
                else:
                    self.failed.inc()

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
