"""Alertmanager's API v2, as much of it as onwatch's silences need: create or extend a silence,
expire it, and ask which silences mute an alert right now.

Errors are one `AlertmanagerError` line that never carries a credential.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from onwatch.incidents.timefmt import to_iso
from onwatch.notify.alertmanager_target import AlertmanagerTarget

__all__ = ["AlertmanagerClient", "AlertmanagerError", "AlertmanagerTarget", "SilenceState"]

SILENCE_ID = re.compile(r"[A-Za-z0-9-]{1,128}")
"""What a silence id may be (Alertmanager's are UUIDs): it goes into a URL path."""
MAX_ANSWER = 8 * 1024 * 1024
"""A larger answer to "which alerts are silenced" is refused rather than read."""


class AlertmanagerError(Exception):
    """Alertmanager could not be reached or refused; the message is one line."""


@dataclass(frozen=True, slots=True)
class SilenceState:
    id: str
    state: str
    """active, pending or expired."""
    starts_at: str
    matchers: list[dict[str, Any]]


def _matchers(labels: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"name": name, "value": value, "isRegex": False, "isEqual": True} for name, value in labels
    ]


def _check_id(silence_id: str) -> None:
    if not SILENCE_ID.fullmatch(silence_id):
        raise AlertmanagerError(f"not an Alertmanager silence id: {silence_id[:40]!r}")


class AlertmanagerClient:
    def __init__(
        self, target: AlertmanagerTarget, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.target = target
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.target.url.rstrip("/"),
                headers=self.target.headers(),
                timeout=self.target.timeout,
                transport=self._transport,
                follow_redirects=False,
            )
        return self._client

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            # The exception's text names the host and port only, never the headers.
            raise AlertmanagerError(f"{method} {path}: {type(exc).__name__}: {exc}") from None
        if len(response.content) > MAX_ANSWER:
            raise AlertmanagerError(f"{method} {path}: the answer is over {MAX_ANSWER} bytes")
        return response

    @staticmethod
    def _refused(response: httpx.Response) -> AlertmanagerError:
        text = " ".join(response.text.split())[:200]
        request = response.request
        return AlertmanagerError(
            f"{request.method} {request.url.path}: HTTP {response.status_code} {text}".strip()
        )

    async def put_silence(
        self,
        labels: Iterable[tuple[str, str]],
        *,
        starts_at: datetime | str,
        ends_at: datetime,
        comment: str,
        silence_id: str | None = None,
    ) -> str:
        """Create a silence (or update `silence_id`); returns the id Alertmanager gives back,
        which is a new one when it could not update in place."""
        body: dict[str, Any] = {
            "matchers": _matchers(labels),
            "startsAt": starts_at if isinstance(starts_at, str) else to_iso(starts_at),
            "endsAt": to_iso(ends_at),
            "createdBy": "onwatch",
            "comment": comment,
        }
        if silence_id:
            body["id"] = silence_id
        response = await self._call("POST", "/api/v2/silences", json=body)
        if response.status_code != 200:
            raise self._refused(response)
        try:
            found = response.json().get("silenceID")
        except (ValueError, AttributeError):
            found = None
        if not isinstance(found, str) or not SILENCE_ID.fullmatch(found):
            raise AlertmanagerError("POST /api/v2/silences: the answer has no silenceID")
        return found

    async def silence(self, silence_id: str) -> SilenceState | None:
        """The silence as Alertmanager has it, or None when it does not know it."""
        _check_id(silence_id)
        response = await self._call("GET", f"/api/v2/silence/{silence_id}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._refused(response)
        try:
            data = response.json()
            return SilenceState(
                id=str(data["id"]),
                state=str(data["status"]["state"]),
                starts_at=str(data["startsAt"]),
                matchers=list(data["matchers"]),
            )
        except (ValueError, KeyError, TypeError):
            raise AlertmanagerError(
                f"GET /api/v2/silence/{silence_id}: unreadable answer"
            ) from None

    async def expire(self, silence_id: str) -> None:
        """End the silence now; one already ended or unknown counts as done."""
        _check_id(silence_id)
        response = await self._call("DELETE", f"/api/v2/silence/{silence_id}")
        if response.status_code in (200, 404):
            return
        found = await self.silence(silence_id)
        if found is None or found.state == "expired":
            return
        raise self._refused(response)

    async def muting_silences(self) -> set[str]:
        """The ids of the silences that mute at least one alert right now."""
        params = {"active": "false", "silenced": "true", "inhibited": "true"}
        response = await self._call("GET", "/api/v2/alerts", params=params)
        if response.status_code != 200:
            raise self._refused(response)
        try:
            alerts = response.json()
            return {str(sid) for alert in alerts for sid in alert["status"]["silencedBy"]}
        except (ValueError, KeyError, TypeError):
            raise AlertmanagerError("GET /api/v2/alerts: unreadable answer") from None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
