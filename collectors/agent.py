"""Polling a remote `onwatch agent`: its sample becomes ours, under the agent's check name."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import httpx

from collectors.agent_payload import PATH, decode
from collectors.base import UP, BadData, bad_data, clean_data, crashed
from collectors.bodies import MAX_BODY, MAX_BODY_TEXT
from collectors.fetch import FetchFailed, fetch
from collectors.specs import AgentCheck
from incidents.sample import Sample


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

    def __init__(self, spec: AgentCheck, client: httpx.AsyncClient) -> None:
        self.spec = spec
        self.client = client
        self._url = sample_url(spec.url)
        self._headers = {"Accept": "application/json"}
        if spec.token:
            self._headers["Authorization"] = f"Bearer {spec.token}"

    async def collect(self, now: datetime) -> list[Sample]:
        try:
            return await self._collect(now)
        except Exception as exc:
            return crashed(self.spec.source, self.spec.name, now, exc)

    async def _collect(self, now: datetime) -> list[Sample]:
        source, check = self.spec.source, self.spec.name
        try:
            fetched = await fetch(
                self.client,
                self._url,
                headers=self._headers,
                within=self.spec.timeout,
                now=now,
                cap=MAX_BODY,
            )
        except FetchFailed as failed:
            return [Sample.failed(source, check, UP, str(failed), now)]
        status = fetched.response.status_code
        if status != 200:
            hint = " (wrong or missing token)" if status == 401 else ""
            return [Sample.failed(source, check, UP, f"unexpected status {status}{hint}", now)]

        up = Sample(source, check, UP, 1.0, now)
        if fetched.body.truncated:
            return [up, bad_data(source, check, [f"body over {MAX_BODY_TEXT}"], now)]
        try:
            reading = decode(fetched.body.data)
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
