"""HTTP checks: status, latency, body and JSON expectations, certificate expiry."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from onwatch.collectors.base import UP, reports_crashes
from onwatch.collectors.bodies import MAX_BODY, MAX_BODY_TEXT
from onwatch.collectors.evidence import http_answer, http_failure, resolved
from onwatch.collectors.fetch import Fetched, FetchFailed, fetch
from onwatch.collectors.jsonpath import mismatch
from onwatch.collectors.specs import HttpCheck
from onwatch.incidents.sample import Sample

if TYPE_CHECKING:
    from onwatch.collectors.client import Client

_NEEDLE_SHOWN = 60


class HttpCollector:
    """Fetches one URL per `collect`. Reports `status`, `latency` (seconds, whole exchange),
    `cert_days` (https) and `up`: 1.0, or an error naming what went wrong."""

    def __init__(self, spec: HttpCheck, client: Client) -> None:
        self.spec = spec
        self.client = client

    @reports_crashes
    async def collect(self, now: datetime) -> list[Sample]:
        spec = self.spec
        started = time.perf_counter()
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
            evidence = await self._failure_evidence(str(failed), time.perf_counter() - started)
            return [Sample.failed(spec.source, spec.name, UP, str(failed), now, evidence=evidence)]

        source, name = spec.source, spec.name
        samples = [
            Sample(source, name, "status", float(fetched.response.status_code), now),
            Sample(source, name, "latency", fetched.seconds, now),
        ]
        if fetched.cert_days is not None:
            samples.append(Sample(source, name, "cert_days", fetched.cert_days, now))
        problem = self._problem(fetched)
        if problem:
            evidence = http_answer(
                url=spec.url,
                status=fetched.response.status_code,
                headers=list(fetched.response.headers),
                body=fetched.body.data,
                address=fetched.address,
                seconds=fetched.seconds,
                sent=spec.headers,
            )
            samples.append(
                Sample.failed(spec.source, spec.name, UP, problem, now, evidence=evidence)
            )
        else:
            samples.append(Sample(source, name, UP, 1.0, now))
        return samples

    async def _failure_evidence(self, error: str, seconds: float) -> dict[str, Any]:
        try:
            url = urlsplit(self.spec.url)
            host, port = url.hostname or "", url.port or (443 if url.scheme == "https" else 80)
        except (TypeError, ValueError):
            host, port = "", 0
        addresses = await resolved(host, port) if host else []
        return http_failure(url=self.spec.url, error=error, addresses=addresses, seconds=seconds)

    def _problem(self, fetched: Fetched) -> str | None:
        """What is wrong with a response that did arrive, or None."""
        spec = self.spec
        status = fetched.response.status_code
        if status not in spec.status:
            return f"unexpected status {status}"
        body = fetched.body
        needle = spec.body_contains
        if needle is not None and needle not in body.text(fetched.response.charset):
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
