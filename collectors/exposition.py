"""Reading a node_exporter page: the series we map to this host's metrics, checked for sense.

Pure functions, no I/O: text in, figures (or BadData) out. Parsing a large page takes a while
in pure Python, so the collector calls `read_page` from a thread.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

from onwatch.collectors.base import BadData
from onwatch.collectors.mounts import PSEUDO_FSTYPES, Mount, real_mounts
from onwatch.collectors.names import METRIC_NAME, shown
from onwatch.collectors.specs import PromRule

Labels = Mapping[str, str]
Series = dict[str, list[tuple[Labels, float]]]
"""Sample name -> (labels, value) of each series with that name, in page order."""

# Beyond these a figure is not a measurement but garbage (or an attack on the arithmetic).
MAX_LOAD = 1e6
MAX_CORES = 100_000
MAX_BYTES = 2.0**70
MAX_COUNT = 1e18


@dataclass(slots=True)
class Figures:
    """What one page says. Counters (cpu, network) become rates only across two pages."""

    cpu_seconds: tuple[float, float] | None = None
    """(total, idle) over all CPUs."""
    cores: int = 0
    values: dict[str, float] = field(default_factory=dict)
    """Ready-made metrics: memory, swap, load*, disk:<mountpoint>."""
    net_errors: float | None = None
    net_drops: float | None = None
    rules: dict[int, float] = field(default_factory=dict)
    """Index in the check's rules -> value of the first matching series."""
    missing: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse(text: str) -> Series:
    series: Series = defaultdict(list)
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                series[sample.name].append((sample.labels, float(sample.value)))
    except Exception:
        # The parser's messages quote the offending line: not something to put in a title.
        raise BadData("malformed exposition text") from None
    return series


def _problem(name: str, value: float, low: float, high: float) -> str | None:
    if math.isnan(value):
        return f"{name} is NaN"
    if math.isinf(value):
        return f"{name} is infinite"
    if not low <= value <= high:
        return f"{name} is {value:g}, outside {low:g}..{high:g}"
    return None


class _Reader:
    def __init__(self, series: Series, figures: Figures) -> None:
        self.series = series
        self.figures = figures

    def one(self, name: str, high: float, low: float = 0.0) -> float | None:
        found = self.series.get(name)
        if not found:
            return None
        value = found[0][1]
        problem = _problem(name, value, low, high)
        if problem:
            self.figures.problems.append(problem)
            return None
        return value

    def each(self, name: str, high: float) -> list[tuple[Labels, float]] | None:
        """Every series of `name`, or None (and a problem) if any of them is unusable."""
        found = self.series.get(name, [])
        for _, value in found:
            problem = _problem(name, value, 0.0, high)
            if problem:
                self.figures.problems.append(problem)
                return None
        return found


def _cpu(reader: _Reader) -> None:
    found = reader.each("node_cpu_seconds_total", MAX_COUNT)
    if not found:
        return
    cores = {labels.get("cpu", "") for labels, _ in found}
    if len(cores) > MAX_CORES:
        reader.figures.problems.append(f"{len(cores)} CPUs")
        return
    # guest time is already counted in user time, as psutil does on Linux.
    total = sum(v for labels, v in found if not labels.get("mode", "").startswith("guest"))
    idle = sum(v for labels, v in found if labels.get("mode") in ("idle", "iowait"))
    reader.figures.cpu_seconds = (total, idle)
    reader.figures.cores = len(cores)


def _used_percent(name: str, total: float, free: float, figures: Figures) -> float | None:
    if total <= 0 or free > total * 1.0001:
        figures.problems.append(f"{name} figures do not add up")
        return None
    return min(100.0, max(0.0, 100.0 * (1 - free / total)))


def _memory(reader: _Reader) -> None:
    figures = reader.figures
    total = reader.one("node_memory_MemTotal_bytes", MAX_BYTES)
    available = reader.one("node_memory_MemAvailable_bytes", MAX_BYTES)
    if total is not None and available is not None:
        percent = _used_percent("memory", total, available, figures)
        if percent is not None:
            figures.values["memory"] = percent
    swap_total = reader.one("node_memory_SwapTotal_bytes", MAX_BYTES)
    swap_free = reader.one("node_memory_SwapFree_bytes", MAX_BYTES)
    if swap_total == 0:
        figures.values["swap"] = 0.0  # no swap at all, as psutil reports it
    elif swap_total is not None and swap_free is not None:
        percent = _used_percent("swap", swap_total, swap_free, figures)
        if percent is not None:
            figures.values["swap"] = percent


def _by_mount(reader: _Reader, name: str) -> dict[str, float]:
    return {labels.get("mountpoint", ""): v for labels, v in reader.each(name, MAX_BYTES) or []}


def _disks(reader: _Reader) -> None:
    figures = reader.figures
    sizes = reader.each("node_filesystem_size_bytes", MAX_BYTES) or []
    avail = _by_mount(reader, "node_filesystem_avail_bytes")
    free = _by_mount(reader, "node_filesystem_free_bytes")
    readonly = _by_mount(reader, "node_filesystem_readonly")
    mounts = [
        Mount(
            labels.get("device", ""),
            labels.get("mountpoint", ""),
            labels.get("fstype", ""),
            "ro" if readonly.get(labels.get("mountpoint", "")) else "rw",
        )
        for labels, size in sizes
        if size > 0 and labels.get("fstype", "").lower() not in PSEUDO_FSTYPES
    ]
    size_of = {labels.get("mountpoint", ""): size for labels, size in sizes}
    for mount in real_mounts(mounts):
        metric = f"disk:{mount.mountpoint}"
        if not METRIC_NAME.fullmatch(metric):
            figures.problems.append(f"mountpoint {shown(mount.mountpoint)} is not allowed")
            continue
        size, left = size_of[mount.mountpoint], avail.get(mount.mountpoint)
        if left is None:
            continue
        # Used over (used + available), as df and psutil count it: blocks reserved for root
        # are neither, so [local] and an exporter agree on the same disk. Without free_bytes
        # the reserve cannot be told apart and counts as used.
        used = size - free.get(mount.mountpoint, left)
        if used < 0 or left > size * 1.0001:
            figures.problems.append(f"{metric} figures do not add up")
            continue
        if used + left > 0:
            figures.values[metric] = min(100.0, 100.0 * used / (used + left))


def _load(reader: _Reader) -> None:
    figures = reader.figures
    if not figures.cores:
        return  # per-core load needs the CPU count
    for source, metric in (
        ("node_load1", "load1"),
        ("node_load5", "load"),
        ("node_load15", "load15"),
    ):
        value = reader.one(source, MAX_LOAD)
        if value is not None:
            figures.values[metric] = value / figures.cores


def _sum(reader: _Reader, names: Iterable[str]) -> float | None:
    total = None
    for name in names:
        found = reader.each(name, MAX_COUNT)
        if found is None:
            return None
        if found:
            total = (total or 0.0) + sum(value for _, value in found)
    return total


def _rules(reader: _Reader, rules: tuple[PromRule, ...]) -> None:
    figures = reader.figures
    for index, rule in enumerate(rules):
        for labels, value in reader.series.get(rule.metric, []):
            if all(labels.get(k) == v for k, v in rule.labels.items()):
                if math.isfinite(value):
                    figures.rules[index] = value
                else:
                    figures.problems.append(f"{rule.metric} is {value}")
                break
        else:
            figures.missing.append(index)


def read_page(text: str, rules: tuple[PromRule, ...] = ()) -> Figures:
    """Figures from one page. Raises BadData when the page cannot be parsed at all; series
    that parse but make no sense are left out and listed in `problems`."""
    figures = Figures()
    reader = _Reader(parse(text), figures)
    _cpu(reader)
    _memory(reader)
    _disks(reader)
    _load(reader)
    figures.net_errors = _sum(
        reader, ("node_network_receive_errs_total", "node_network_transmit_errs_total")
    )
    figures.net_drops = _sum(
        reader, ("node_network_receive_drop_total", "node_network_transmit_drop_total")
    )
    _rules(reader, rules)
    return figures
