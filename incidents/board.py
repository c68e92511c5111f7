"""The board of sources and the whole picture: a source's status in one word, failing sources
first, the counts by severity and the oldest unacknowledged age.

Both faces that show a wall compute it here: the console (its sources table and wall mode) and
the server's `/wall` page, so the two never disagree on what a tile says. Plain Python, no I/O:
a source is anything with a name, a kind, its latest samples and a trend (the engine's
`SourceView`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from onwatch.incidents.model import Incident, Mark, Severity, State
from onwatch.incidents.rules import NO_DATA_METRIC
from onwatch.incidents.sample import Sample
from onwatch.incidents.timefmt import format_duration

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


class WatchedSource(Protocol):
    """What the board reads of a watched source (the engine's `SourceView` is one)."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def samples(self) -> Mapping[str, Sample]: ...
    @property
    def trend(self) -> Sequence[float]: ...


class Status(enum.Enum):
    """A source's state in one word and one symbol, so it reads without colour."""

    DOWN = ("DOWN", "▼", 0)
    CRIT = ("CRIT", "✖", 1)
    NO_DATA = ("NO DATA", "?", 2)
    WARN = ("WARN", "▲", 3)
    SILENCED = ("SILENCED", "◌", 4)
    OK = ("OK", "✓", 5)

    def __init__(self, word: str, symbol: str, rank: int) -> None:
        self.word = word
        self.symbol = symbol
        self.rank = rank  # 0 is the worst: failing sources sort first

    @property
    def label(self) -> str:
        return f"{self.symbol} {self.word}"

    @property
    def css_class(self) -> str:
        return "status-" + self.name.lower().replace("_", "-")


@dataclass(frozen=True, slots=True)
class SourceRow:
    key: str
    name: str
    kind: str
    status: Status
    values: str
    spark: str
    failing_title: str = ""
    failing_owner: str = ""
    """Who owns the worst incident of the source, if anyone."""


@dataclass(frozen=True, slots=True)
class Summary:
    open_by_severity: tuple[tuple[Severity, int], ...]
    checks_up: int
    checks_down: int
    last_poll: datetime | None
    oldest_unacknowledged: timedelta | None


def sparkline(values: Sequence[float], width: int = 12) -> str:
    """Recent values as block characters scaled to their own range."""
    recent = list(values)[-width:]
    if not recent:
        return ""
    low, high = min(recent), max(recent)
    span = high - low
    if span <= 0:
        return SPARK_BLOCKS[0] * len(recent) if high == 0 else SPARK_BLOCKS[3] * len(recent)
    top = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[round((v - low) / span * top)] for v in recent)


def status_of(incidents: Iterable[Incident], samples: Mapping[str, Sample]) -> Status:
    """The worst thing true of a source right now."""
    active = [i for i in incidents if i.state.is_active]
    unsilenced = [i for i in active if not i.has(Mark.SILENCED)]
    if not samples and not active:
        return Status.NO_DATA
    candidates = [Status.OK]
    for incident in unsilenced:
        if incident.metric == NO_DATA_METRIC:
            candidates.append(Status.NO_DATA)
        elif incident.metric == "up" and incident.severity is Severity.CRITICAL:
            candidates.append(Status.DOWN)
        elif incident.severity is Severity.CRITICAL:
            candidates.append(Status.CRIT)
        elif incident.severity is Severity.WARNING:
            candidates.append(Status.WARN)
    if len(candidates) == 1 and len(unsilenced) < len(active):
        return Status.SILENCED
    return min(candidates, key=lambda s: s.rank)


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit == "s":
        return format_duration(timedelta(seconds=value))
    return f"{value:.0f}{unit}" if abs(value) >= 10 else f"{value:.1f}{unit}"


def describe_values(kind: str, samples: Mapping[str, Sample]) -> str:
    def value(metric: str) -> float | None:
        sample = samples.get(metric)
        return sample.value if sample is not None else None

    if kind in ("host", "agent", "prometheus"):
        disks = [
            s.value for m, s in samples.items() if m.startswith("disk:") and s.value is not None
        ]
        disk = max(disks) if disks else None
        return (
            f"cpu {_fmt(value('cpu'), '%')}  mem {_fmt(value('memory'), '%')}  "
            f"disk {_fmt(disk, '%')}  load {_fmt(value('load'))}"
        )
    if kind == "http":
        status = value("status")
        code = "-" if status is None else f"{status:.0f}"
        return f"{_fmt(value('latency'), 's')}  HTTP {code}"
    if kind == "tcp":
        return f"connect {_fmt(value('connect_time'), 's')}"
    return ""


def source_rows(
    sources: Iterable[WatchedSource],
    incidents: Iterable[Incident],
    *,
    unwatched: bool = False,
) -> list[SourceRow]:
    """One row per watched source, failing sources first, worst first.

    With `unwatched`, also one row per source that has an active incident but no check here
    (a person's report, an alert from Alertmanager): a wall that left them out would show all
    green while someone waits."""
    by_source: dict[str, list[Incident]] = {}
    for incident in incidents:
        by_source.setdefault(incident.source, []).append(incident)
    rows = [
        _row(source.name, source.kind, by_source.get(source.name, []), source) for source in sources
    ]
    if unwatched:
        watched = {row.key for row in rows}
        for name, mine in by_source.items():
            active = [i for i in mine if i.state.is_active]
            if name not in watched and active:
                rows.append(_row(name, active[0].category.value, mine, None))
    return sorted(rows, key=lambda r: (r.status.rank, r.name))


def _row(name: str, kind: str, mine: list[Incident], source: WatchedSource | None) -> SourceRow:
    worst = min(
        (i for i in mine if i.state.is_active),
        key=lambda i: (-i.severity.rank, i.created_at),
        default=None,
    )
    samples: Mapping[str, Sample] = source.samples if source is not None else {}
    return SourceRow(
        key=name,
        name=name,
        kind=kind,
        status=status_of(mine, samples),
        values=describe_values(kind, samples) if source is not None else "",
        spark=sparkline(source.trend) if source is not None else "",
        failing_title=worst.title if worst is not None else "",
        failing_owner=(worst.owner or "") if worst is not None else "",
    )


def summarize(
    incidents: Iterable[Incident],
    statuses: Iterable[Status],
    last_poll: datetime | None,
    now: datetime,
) -> Summary:
    counts = dict.fromkeys(Severity, 0)
    oldest: datetime | None = None
    for incident in incidents:
        if not incident.state.is_active:
            continue
        counts[incident.severity] += 1
        if incident.state is State.TRIGGERED and (oldest is None or incident.created_at < oldest):
            oldest = incident.created_at
    statuses = list(statuses)
    down = sum(s in (Status.DOWN, Status.NO_DATA) for s in statuses)
    return Summary(
        open_by_severity=tuple(
            (s, counts[s]) for s in (Severity.CRITICAL, Severity.WARNING, Severity.INFO)
        ),
        checks_up=len(statuses) - down,
        checks_down=down,
        last_poll=last_poll,
        oldest_unacknowledged=None if oldest is None else now - oldest,
    )
