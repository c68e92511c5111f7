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
        for sample in samples:
            self._latest.setdefault(sample.source, {})[sample.metric] = sample
            if sample.value is not None:
                by_metric = self._values.setdefault(sample.source, {})
                series = by_metric.get(sample.metric)
                if series is None:
                    series = by_metric[sample.metric] = Ring(self.depth)
                series.append(sample.value)

    def values(self, source: str, metric: str) -> list[float]:
        return list(self._values.get(source, {}).get(metric, ()))

    def latest(self, source: str, metric: str) -> Sample | None:
        return self._latest.get(source, {}).get(metric)

    def latest_for(self, source: str) -> dict[str, Sample]:
        return dict(self._latest.get(source, {}))
