"""What the engine runs: each check's probe, schedule and rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from onwatch.collectors.specs import LocalCheck, Probe
from onwatch.incidents.checklist import Guide
from onwatch.incidents.escalation import EscalationPolicy
from onwatch.incidents.people import Role
from onwatch.incidents.rules import FlapPolicy, Threshold
from onwatch.incidents.silences import Maintenance
from onwatch.notify.channels import Channel

DEFAULT_INTERVAL = timedelta(seconds=10)


@dataclass(frozen=True, slots=True)
class Watch:
    """One check on a schedule: the probe to run and the thresholds for the metrics it reports.

    `rules` maps a metric name (cpu, disk, latency, ...) to its threshold; metrics without a
    rule are recorded for display but never raise an incident. Failures always do.
    """

    probe: Probe
    interval: timedelta = DEFAULT_INTERVAL
    rules: Mapping[str, Threshold] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.probe.name

    @property
    def kind(self) -> str:
        """host, http, tcp, agent or prometheus: what the console shows for it."""
        if isinstance(self.probe, LocalCheck):
            return "host"
        return type(self.probe).__name__.removesuffix("Check").lower()

    @property
    def source(self) -> str:
        return self.probe.source

    def rule_for(self, metric: str) -> Threshold | None:
        """`disk:/var` falls back to the `disk` rule: one rule covers every mount."""
        rule = self.rules.get(metric)
        if rule is None and ":" in metric:
            rule = self.rules.get(metric.split(":", 1)[0])
        return rule


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """Who is told, when, and what is muted. Everything off by default except the desktop.

    `channels` are the configured apprise destinations; `policies` the escalation policies in
    config order (the first match applies; none matching means every channel at once).
    """

    channels: tuple[Channel, ...] = ()
    policies: tuple[EscalationPolicy, ...] = ()
    maintenance: tuple[Maintenance, ...] = ()
    desktop: bool = True
    renotify: timedelta | None = None
    renotify_backoff: float = 1.0
    ack_timeout: timedelta | None = None
    storm_threshold: int = 10
    roles: tuple[Role, ...] = ()
    """Who can be handed an incident or named by an escalation step, and how they are told."""


@dataclass(frozen=True, slots=True)
class EngineSettings:
    watches: tuple[Watch, ...] = ()
    flap: FlapPolicy = field(default_factory=FlapPolicy)
    notify: NotifySettings = field(default_factory=NotifySettings)
    resolution_required: bool = False
    """Closing needs a resolution text (`[lifecycle] resolution_required`)."""
    guides: Mapping[str, Guide] = field(default_factory=dict)
    """Check name -> what its incidents' checklists add to the defaults (items, runbook)."""
