"""What the engine runs: each check's probe, schedule and rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from collectors.specs import Probe
from incidents.rules import FlapPolicy, Threshold

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
    def source(self) -> str:
        return self.probe.source


@dataclass(frozen=True, slots=True)
class EngineSettings:
    watches: tuple[Watch, ...] = ()
    flap: FlapPolicy = field(default_factory=FlapPolicy)
