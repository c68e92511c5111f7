"""What the engine runs: each check's probe, schedule and rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from onwatch.collectors.specs import LocalCheck, Probe
from onwatch.incidents.checklist import Guide
from onwatch.incidents.escalation import EscalationPolicy
from onwatch.incidents.forecast import ForecastSpec
from onwatch.incidents.people import Role
from onwatch.incidents.rules import FlapPolicy, Threshold
from onwatch.incidents.silences import Maintenance
from onwatch.notify.alertmanager_target import AlertmanagerTarget
from onwatch.notify.channels import Channel

DEFAULT_INTERVAL = timedelta(seconds=10)
DEFAULT_ACTION_TIMEOUT = timedelta(seconds=30)
DEFAULT_HEARTBEAT_INTERVAL = timedelta(minutes=1)

ACTION_EVENTS = ("open", "critical", "warning", "escalate", "resolve")
"""When an action runs: open (opened or reopened, any severity), critical (opened at or raised
to critical), warning (opened at warning), escalate (an escalation step fired), resolve."""


@dataclass(frozen=True, slots=True)
class Action:
    """A command run when one of a check's incidents reaches `on` (one of ACTION_EVENTS).

    `run` is an argument list (with `shell`, its items joined by spaces for /bin/sh -c);
    `drill` lets it run for drills too.
    """

    on: str
    run: tuple[str, ...]
    timeout: timedelta = DEFAULT_ACTION_TIMEOUT
    shell: bool = False
    drill: bool = False


@dataclass(frozen=True, slots=True)
class HeartbeatSpec:
    """`[heartbeat]`: a URL called every `interval` while onwatch is healthy (a dead man's
    switch notices when the calls stop). The URL often holds a token: never shown."""

    url: str = field(repr=False)
    interval: timedelta = DEFAULT_HEARTBEAT_INTERVAL


@dataclass(frozen=True, slots=True)
class Watch:
    """One check on a schedule: the probe to run and the thresholds for the metrics it reports.

    `rules` maps a metric name (cpu, disk, latency, ...) to its threshold; metrics without a
    rule are recorded for display but never raise an incident. Failures always do.
    """

    probe: Probe
    interval: timedelta = DEFAULT_INTERVAL
    rules: Mapping[str, Threshold] = field(default_factory=dict)
    forecast: ForecastSpec | None = None
    """Forecast these metrics' trend against their critical level (`forecast = {...}`)."""
    anomaly: bool = False
    """Flag values far outside each metric's usual band (`anomaly = true`)."""
    actions: tuple[Action, ...] = ()

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
    desktop_asked: bool = False
    """`desktop = true` is written in the config: popups being unavailable is then an incident
    of onwatch's own health (the built-in default promises nothing on a server)."""


@dataclass(frozen=True, slots=True)
class EngineSettings:
    watches: tuple[Watch, ...] = ()
    flap: FlapPolicy = field(default_factory=FlapPolicy)
    notify: NotifySettings = field(default_factory=NotifySettings)
    resolution_required: bool = False
    """Closing needs a resolution text (`[lifecycle] resolution_required`)."""
    alertmanager: AlertmanagerTarget | None = None
    """`[alertmanager]`: where acknowledged external incidents are silenced."""
    heartbeat: HeartbeatSpec | None = None
    default_actions: tuple[Action, ...] = ()
    """`[defaults] actions`: for drills of the synthetic `drill` source (checks got theirs)."""
    guides: Mapping[str, Guide] = field(default_factory=dict)
    """Check name -> what its incidents' checklists add to the defaults (items, runbook)."""
