"""The API's requests over an `httpx.AsyncClient`, with its answers in the backend's terms.

Every failure becomes one of `engine.api`'s exceptions with a one-line message that names the
server and never the token: 404 `NotFound`, 409 `TransitionError`, 400 `InvalidInput`, and
everything else that went wrong (401, 403, 5xx, a refused connection, a timeout) `Unavailable`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from onwatch.engine.api import NotFound, Unavailable
from onwatch.incidents import IncidentError, InvalidInput, TransitionError
from onwatch.remote import wire
from onwatch.remote.sse import SseEvent, SseParser
from onwatch.remote.wire import decode, error_text

REQUEST_TIMEOUT = 10.0
PAGE = 1000
"""The API's largest page of incidents."""


class RefusedTransition(TransitionError):
    """The server's 409 as the domain's `TransitionError`: the server already wrote the
    sentence ("cannot ack incident 7: it is closed"), so its parts are not known here."""

    def __init__(self, message: str) -> None:
        IncidentError.__init__(self, message)
        self.incident_id, self.action, self.state = 0, "", ""


@dataclass
class EventStream:
    """`GET /v1/events` open, with its parser; `pending` holds what was read but not handled."""

    response: httpx.Response
    chunks: AsyncIterator[bytes]
    parser: SseParser
    pending: list[SseEvent] = field(default_factory=list)


class ApiClient:
    def __init__(
        self, url: str, token: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.shown = wire.shown_url(self.url)
        self._token = token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            timeout=REQUEST_TIMEOUT,
            transport=transport,
            # A proxy from the environment would see the token; the server is named explicitly.
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def get(self, path: str, **params: Any) -> Any:
        return await self.request("GET", path, params=params or None)

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        return await self.request("POST", path, body=body)

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        try:
            response = await self.http.request(method, path, json=body, params=params)
        except httpx.HTTPError as exc:
            raise Unavailable(self.unreachable(exc)) from None
        self.raise_for(response)
        try:
            return decode(response.text)
        except ValueError as exc:
            raise Unavailable(f"server {self.shown} sent a bad answer: {exc}") from None

    async def open_events(self, dead_after: float) -> EventStream:
        """The event stream, where no byte for `dead_after` seconds raises `httpx.ReadTimeout`."""
        timeout = httpx.Timeout(REQUEST_TIMEOUT, read=dead_after)
        request = self.http.build_request("GET", "/v1/events", timeout=timeout)
        try:
            response = await self.http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise Unavailable(self.unreachable(exc)) from None
        if response.status_code >= 400:
            try:
                await response.aread()
            finally:
                await response.aclose()
            try:
                self.raise_for(response)
            except (NotFound, InvalidInput, TransitionError) as exc:
                raise Unavailable(f"server {self.shown}: {exc}") from None
        return EventStream(response, response.aiter_bytes(), SseParser())

    async def all_incidents(self, state: str) -> list[Any]:
        """Every page of `GET /v1/incidents?state=...`."""
        found: list[Any] = []
        seen: set[int] = set()
        while True:
            page = await self.get("/v1/incidents", state=state, limit=PAGE, offset=len(found))
            if not isinstance(page, list):
                raise Unavailable(f"server {self.shown} sent a bad answer: incidents not a list")
            found.extend(page)
            try:
                wire.check_progress(seen, page, len(found))
            except ValueError as exc:
                raise Unavailable(f"server {self.shown} sent a bad answer: {exc}") from None
            if len(page) < PAGE:
                return found

    def raise_for(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        message = error_text(response.content, self._token) or f"HTTP {status}"
        if status == 404:
            raise NotFound(message)
        if status == 409:
            raise RefusedTransition(message)
        if status in (400, 413, 422):
            raise InvalidInput(message)
        if status == 401:
            raise Unavailable(f"server {self.shown} refused the token: {message}")
        if status == 403:
            raise Unavailable(f"not allowed: {message}")
        raise Unavailable(f"server {self.shown}: {message}")

    def unreachable(self, exc: Exception) -> str:
        if isinstance(exc, httpx.TimeoutException):
            return f"server {self.shown} did not answer in time"
        # httpx's messages name the address and the OS error, never a request header.
        detail = " ".join(str(exc).split()) or type(exc).__name__
        return f"server {self.shown} unreachable: {detail}"
