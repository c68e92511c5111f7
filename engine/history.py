"""Recent samples per series, in memory, for sparklines and trends."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from incidents import Sample

DEFAULT_DEPTH = 120


class History:
    """The last `depth` values of every (source, metric) series and the latest sample of each."""

    def __init__(self, depth: int = DEFAULT_DEPTH) -> None:
        self.depth = depth
        self._values: dict[tuple[str, str], deque[float]] = {}
        self._latest: dict[tuple[str, str], Sample] = {}

    def add(self, samples: Iterable[Sample]) -> None:
        for sample in samples:
            key = (sample.source, sample.metric)
            self._latest[key] = sample
            if sample.value is not None:
                series = self._values.get(key)
                if series is None:
                    series = self._values[key] = deque(maxlen=self.depth)
                series.append(sample.value)

    def values(self, source: str, metric: str) -> list[float]:
        return list(self._values.get((source, metric), ()))

    def latest(self, source: str, metric: str) -> Sample | None:
        return self._latest.get((source, metric))

    def latest_for(self, source: str) -> dict[str, Sample]:
        return {metric: s for (src, metric), s in self._latest.items() if src == source}
