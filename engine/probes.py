"""The collectors an engine runs, one per watch, and the HTTP client the network ones share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from onwatch.engine.scheduler import Collector
from onwatch.engine.specs import Watch

BuildCollector = Callable[[Watch], Collector]


class Probes:
    """Builds a collector per watch (blocking work: imports, TLS contexts; call it in a thread)
    and closes what they share when the engine stops.

    `build_collector` replaces the real collectors (tests run scripted ones).
    """

    def __init__(self, build_collector: BuildCollector | None = None) -> None:
        self._build_collector = build_collector
        self._client: Any = None

    def build(self, watches: Sequence[Watch]) -> list[tuple[Watch, Collector]]:
        build = self._build_collector
        if build is None and watches:
            # Imported here: a config without checks never pays for httpx and psutil, and one
            # without HTTP checks never for httpx.
            from onwatch import collectors

            # A reload builds more collectors: they share the client already open, and it opens
            # only for the checks that speak HTTP (a local-only config never imports httpx).
            if self._client is None and any(collectors.needs_client(w.probe) for w in watches):
                self._client = collectors.make_client()
            client = self._client

            def build(watch: Watch) -> Collector:
                return collectors.build(watch.probe, client)

        if build is None:
            return []
        return [(watch, build(watch)) for watch in watches]

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()
