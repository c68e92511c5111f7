"""HTTP checks: status, latency, body and JSON expectations, certificate expiry."""

from __future__ import annotations

import json
from datetime import datetime

import httpx

from onwatch.collectors.base import UP, reports_crashes
from onwatch.collectors.bodies import MAX_BODY, MAX_BODY_TEXT
from onwatch.collectors.fetch import Fetched, FetchFailed, fetch
from onwatch.collectors.jsonpath import mismatch
from onwatch.collectors.specs import HttpCheck
from onwatch.incidents.sample import Sample

_NEEDLE_SHOWN = 60


class HttpCollector:
    """Fetches one URL per `collect`. Reports `status`, `latency` (seconds, whole exchange),
    `cert_days` (https) and `up`: 1.0, or an error naming what went wrong."""

    def __init__(self, spec: HttpCheck, client: httpx.AsyncClient) -> None:
        self.spec = spec
        self.client = client

    @reports_crashes
    async def collect(self, now: datetime) -> list[Sample]:
        spec = self.spec
        try:
            fetched = await fetch(
                self.client,
                spec.url,
                method=spec.method,
                headers=spec.headers,
                within=spec.timeout,
                verify=spec.verify,
                now=now,
                cap=MAX_BODY,
            )
        except FetchFailed as failed:
            return [Sample.failed(spec.source, spec.name, UP, str(failed), now)]

        def value(metric: str, number: float) -> Sample:
            return Sample(spec.source, spec.name, metric, number, now)

        samples = [
            value("status", float(fetched.response.status_code)),
            value("latency", fetched.seconds),
        ]
        if fetched.cert_days is not None:
            samples.append(value("cert_days", fetched.cert_days))
        problem = self._problem(fetched)
        if problem:
            samples.append(Sample.failed(spec.source, spec.name, UP, problem, now))
        else:
            samples.append(value(UP, 1.0))
        return samples

    def _problem(self, fetched: Fetched) -> str | None:
        """What is wrong with a response that did arrive, or None."""
        spec = self.spec
        status = fetched.response.status_code
        if status not in spec.status:
            return f"unexpected status {status}"
        body = fetched.body
        needle = spec.body_contains
        if needle is not None and needle not in body.text(fetched.response):
            if len(needle) > _NEEDLE_SHOWN:
                needle = needle[: _NEEDLE_SHOWN - 1] + "…"
            scope = f" (first {MAX_BODY_TEXT} read)" if body.truncated else ""
            return f"body does not contain {needle!r}{scope}"
        if spec.json:
            if body.truncated:
                return f"JSON mismatch: body over {MAX_BODY_TEXT}"
            try:
                document = json.loads(body.data)
            except (ValueError, RecursionError):
                return "JSON mismatch: body is not JSON"
            return mismatch(document, spec.json)
        return None
