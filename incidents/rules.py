"""Threshold rules: turn a stream of samples into decisions to open, upgrade or recover.

The `Evaluator` remembers, per series, how long a breach has held (`for`), which level it
signalled (so recovery needs the value to fall below `clear`: hysteresis), when each check last
reported (staleness) and how often a series opened recently (flapping). It does no I/O and
reads no clock: every timestamp comes from the samples or from the caller.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from onwatch.incidents.decisions import Breach, Decision, FlapPolicy, Recovery, Stable
from onwatch.incidents.model import Category, Severity, fingerprint
from onwatch.incidents.sample import Sample
from onwatch.incidents.thresholds import AVAILABILITY, DEFAULT_CLEAR_MARGIN, Threshold
from onwatch.incidents.timefmt import format_duration

# Thresholds and decisions were first defined here; the config still imports them so.
__all__ = [
    "AVAILABILITY",
    "DEFAULT_CLEAR_MARGIN",
    "NO_DATA_METRIC",
    "STALE_AFTER_INTERVALS",
    "Breach",
    "Decision",
    "Evaluator",
    "FlapPolicy",
    "Recovery",
    "Stable",
    "Threshold",
    "describe",
]

NO_DATA_METRIC = "no_data"
STALE_AFTER_INTERVALS = 3


@dataclass(slots=True)
class _Series:
    active: Severity | None = None
    since: dict[Severity, datetime] = field(default_factory=dict)
    opens: deque[datetime] = field(default_factory=deque)
    flapping: bool = False
    last_edge: datetime | None = None


@dataclass(slots=True)
class _Watch:
    interval: timedelta
    last_at: datetime
    stale: bool = False


class Evaluator:
    """Stateful, I/O-free judge of samples against thresholds."""

    def __init__(self, flap: FlapPolicy | None = None) -> None:
        self.flap = flap or FlapPolicy()
        self._series: dict[str, _Series] = {}
        self._watches: dict[tuple[str, str], _Watch] = {}

    # --- samples -----------------------------------------------------------------------------

    def evaluate(self, sample: Sample, rule: Threshold | None) -> list[Decision]:
        """Judge one sample. A sample with no rule only counts as a sign of life."""
        decisions = self._heard_from(sample.source, sample.check, sample.at)
        if sample.error is not None and (rule is None or rule.category is not Category.MONITORING):
            # A failure to measure is an availability problem, whatever rule the metric has;
            # onwatch's own checks report their failures as errors and keep their category.
            rule = AVAILABILITY
        if rule is None:
            # A value where failures used to be (up = 1, a process found again) is a recovery.
            series = self._series.get(sample.fingerprint)
            if series is not None and series.active is not None:
                decisions.append(self._recover(series, sample, auto_resolve=True))
            return decisions
        decision = self._judge(sample, rule)
        if decision is not None:
            decisions.append(decision)
        return decisions

    def _judge(self, sample: Sample, rule: Threshold) -> Decision | None:
        series = self._series.setdefault(sample.fingerprint, _Series())
        at = sample.at
        if sample.error is not None:
            # Critical unless the rule has only a warning level (some of onwatch's own checks).
            level: Severity | None = (
                Severity.CRITICAL if rule.critical is not None else Severity.WARNING
            )
        else:
            level = rule.level_of(sample.value)  # type: ignore[arg-type]
        for severity in (Severity.WARNING, Severity.CRITICAL):
            if level is not None and level.rank >= severity.rank:
                series.since.setdefault(severity, at)
            else:
                series.since.pop(severity, None)
        held = [s for s, since in series.since.items() if at - since >= rule.for_]
        worst_held = max(held, key=lambda s: s.rank) if held else None

        if series.active is None:
            if worst_held is None:
                return None
            series.active = worst_held
            self._count_open(series, at)
            return self._breach(sample, rule, worst_held, series.flapping)

        if level is not None:
            if worst_held is not None and worst_held.rank > series.active.rank:
                series.active = worst_held
            return self._breach(sample, rule, series.active, series.flapping)

        if sample.value is not None and rule.recovered(sample.value):
            return self._recover(series, sample, auto_resolve=rule.auto_resolve)
        return None  # inside the hysteresis band: neither breaching nor recovered

    def _recover(self, series: _Series, sample: Sample, *, auto_resolve: bool) -> Recovery:
        series.active = None
        series.since.clear()
        series.last_edge = sample.at
        return Recovery(
            sample.fingerprint, sample.value, sample.at, auto_resolve, flapping=series.flapping
        )

    def _breach(
        self, sample: Sample, rule: Threshold, severity: Severity, flapping: bool
    ) -> Breach:
        threshold = None if sample.error is not None else rule.level_value(severity)
        return Breach(
            source=sample.source,
            check=sample.check,
            metric=sample.metric,
            severity=severity,
            category=rule.category,
            value=sample.value,
            threshold=threshold,
            title=describe(sample, rule, severity),
            at=sample.at,
            flapping=flapping,
            labels=tuple(sorted(sample.labels.items())),
            evidence=sample.evidence,
        )

    def _count_open(self, series: _Series, at: datetime) -> None:
        series.opens.append(at)
        series.last_edge = at
        while series.opens and at - series.opens[0] > self.flap.window:
            series.opens.popleft()
        if len(series.opens) > self.flap.max_opens:
            series.flapping = True

    def resume(self, source: str, check: str, metric: str, severity: Severity) -> None:
        """Pick up an incident left open by an earlier run, so that recovery can resolve it.

        Call after `watch()`: a "no data" incident then resolves on the check's next sample.
        """
        if metric == NO_DATA_METRIC:
            watch = self._watches.get((source, check))
            if watch is not None:
                watch.stale = True
            return
        series = self._series.setdefault(fingerprint(source, check, metric), _Series())
        series.active = severity

    # --- time passing ------------------------------------------------------------------------

    def watch(self, source: str, check: str, interval: timedelta, now: datetime) -> None:
        """Expect `check` to report every `interval`; silence for three intervals is an incident."""
        current = self._watches.get((source, check))
        if current is None:
            self._watches[(source, check)] = _Watch(interval, now)
        else:
            current.interval = interval

    def shift(self, delta: timedelta) -> None:
        """The wall clock jumped by `delta`: move every remembered time with it, so that
        silence, `for` durations and flapping windows count time that really passed."""
        for watch in self._watches.values():
            watch.last_at += delta
        for series in self._series.values():
            series.since = {severity: at + delta for severity, at in series.since.items()}
            series.opens = deque(at + delta for at in series.opens)
            if series.last_edge is not None:
                series.last_edge += delta

    def unwatch(self, source: str, check: str) -> None:
        """Stop expecting `check` (removed from the config): its silence is no incident."""
        self._watches.pop((source, check), None)

    def _heard_from(self, source: str, check: str, at: datetime) -> list[Decision]:
        watch = self._watches.get((source, check))
        if watch is None:
            return []
        watch.last_at = max(watch.last_at, at)
        if not watch.stale:
            return []
        watch.stale = False
        return [Recovery(fingerprint(source, check, NO_DATA_METRIC), None, at)]

    def tick(self, now: datetime) -> list[Decision]:
        """Decisions that come from time alone: checks gone silent, flapping series gone quiet."""
        decisions: list[Decision] = []
        for (source, check), watch in self._watches.items():
            silent_for = now - watch.last_at
            if not watch.stale and silent_for >= watch.interval * STALE_AFTER_INTERVALS:
                watch.stale = True
                decisions.append(
                    Breach(
                        source=source,
                        check=check,
                        metric=NO_DATA_METRIC,
                        severity=Severity.WARNING,
                        category=Category.AVAILABILITY,
                        value=None,
                        threshold=None,
                        title=f"no data from {check} for {format_duration(silent_for)}",
                        at=now,
                    )
                )
        for key, series in self._series.items():
            if series.flapping and series.last_edge and now - series.last_edge >= self.flap.window:
                series.flapping = False
                series.opens.clear()
                decisions.append(Stable(key, healthy=series.active is None, at=now))
        return decisions

    def forget(self, sources: Iterable[str]) -> None:
        """Drop everything known about these sources (they left the configuration)."""
        gone = set(sources)
        self._watches = {k: w for k, w in self._watches.items() if k[0] not in gone}
        self._series = {k: s for k, s in self._series.items() if k.split("/", 1)[0] not in gone}


def describe(sample: Sample, rule: Threshold, severity: Severity) -> str:
    """A one-line title an operator reads first: what, how bad, against what."""
    if sample.error is not None:
        return f"{sample.check}: {sample.error}"
    level = rule.level_value(severity)
    side = "below" if rule.below else "above"
    unit = rule.unit
    return f"{sample.check} {sample.metric} {_num(sample.value)}{unit} {side} {severity} {_num(level)}{unit}"


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    if abs(value) >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".")
