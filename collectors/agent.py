"""Polling a remote `onwatch agent`: its sample becomes ours, under the agent's check name."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from onwatch.collectors.agent_payload import PATH, decode
from onwatch.collectors.base import BadData, bad_data, clean_data, reports_crashes
from onwatch.collectors.fetch import fetch_document
from onwatch.collectors.specs import AgentCheck
from onwatch.incidents.sample import Sample

if TYPE_CHECKING:
    from onwatch.collectors.client import Client


def sample_url(base: str) -> str:
    """The agent's address as configured (http://db1:9108) -> its sample URL; a URL that
    already names a path is used as it is."""
    parts = urlsplit(base)
    if parts.path in ("", "/"):
        return urlunsplit(parts._replace(path=PATH))
    return base


class AgentCollector:
    """Reports what the agent sent, checked strictly, plus `up` and `bad_data` (0.0 when the
    payload was clean, so that a bad-data incident can recover)."""

    def __init__(self, spec: AgentCheck, client: Client) -> None:
        self.spec = spec
        self.client = client
        self._url = sample_url(spec.url)
        self._headers = {"Accept": "application/json"}
        if spec.token:
            self._headers["Authorization"] = f"Bearer {spec.token}"

    @reports_crashes
    async def collect(self, now: datetime) -> list[Sample]:
        source, check = self.spec.source, self.spec.name
        document = await fetch_document(
            self.client,
            self._url,
            source=source,
            check=check,
            headers=self._headers,
            within=self.spec.timeout,
            now=now,
            hints={401: " (wrong or missing token)"},
        )
        if isinstance(document, list):
            return document
        up = document.up
        try:
            reading = decode(document.data)
        except BadData as exc:
            return [up, bad_data(source, check, [str(exc)], now)]

        samples = [Sample(source, check, name, v, now) for name, v in reading.values.items()]
        samples += [Sample.failed(source, check, n, e, now) for n, e in reading.errors.items()]
        samples.append(up)
        if reading.problems:
            samples.append(bad_data(source, check, reading.problems, now))
        else:
            samples.append(clean_data(source, check, now))
        return samples
