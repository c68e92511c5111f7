"""Recent samples per series, in memory, for sparklines and trends."""

from __future__ import annotations

from collections.abc import Iterable

from onwatch.engine.ring import Ring
from onwatch.incidents import Sample

DEFAULT_DEPTH = 120


class History:
    """The last `depth` values of every (source, metric) series and the latest sample of each.

    Indexed by source first: the console asks "everything about this source" for hundreds of
    sources a second.
    """

    def __init__(self, depth: int = DEFAULT_DEPTH) -> None:
        self.depth = depth
        self._values: dict[str, dict[str, Ring]] = {}
        self._latest: dict[str, dict[str, Sample]] = {}

    def add(self, samples: Iterable[Sample]) -> None:
        # Runs for every check: no throwaway dicts (setdefault's default) on the way.
        latest_by, values_by = self._latest, self._values
        for sample in samples:
            source, metric = sample.source, sample.metric
            latest = latest_by.get(source)
            if latest is None:
                latest = latest_by[source] = {}
            latest[metric] = sample
            if sample.value is not None:
                by_metric = values_by.get(source)
                if by_metric is None:
                    by_metric = values_by[source] = {}
                series = by_metric.get(metric)
                if series is None:
                    series = by_metric[metric] = Ring(self.depth)
                series.append(sample.value)

    def values(self, source: str, metric: str) -> list[float]:
        return list(self._values.get(source, {}).get(metric, ()))

    def latest(self, source: str, metric: str) -> Sample | None:
        return self._latest.get(source, {}).get(metric)

    def latest_for(self, source: str) -> dict[str, Sample]:
        return dict(self._latest.get(source, {}))
