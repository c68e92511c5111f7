"""`GET /v1/events`: the engine's events as server-sent events, one bounded queue per client.

The engine publishes synchronously; a client's queue only ever gets `put_nowait`, so a slow
reader can never slow the engine. One that falls `max_behind` events behind is let go: it
reconnects and re-reads, which costs less than replaying what it missed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from onwatch.engine.events import (
    CheckRan,
    EngineEvent,
    IncidentChanged,
    IncidentsReloaded,
    StatusChanged,
)
from onwatch.incidents.codec import incident_to_dict, sample_to_dict
from onwatch.incidents.timefmt import to_iso
from onwatch.serve.auth import Principal, principal_of
from onwatch.serve.state import ServeState, state_of

PING = b": ping\n\n"


def frame(name: str, data: Any) -> bytes:
    # json.dumps escapes newlines inside strings: each data is exactly one line.
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {name}\ndata: {line}\n\n".encode()


def encode_event(event: EngineEvent) -> bytes:
    match event:
        case IncidentChanged(change=change):
            data = {"event": change.event.value, "incident": incident_to_dict(change.incident)}
            return frame("incident", data)
        case IncidentsReloaded(incidents=incidents):
            return frame("incidents", [incident_to_dict(i) for i in incidents])
        case CheckRan(source=source, samples=samples):
            return frame(
                "samples", {"source": source, "samples": [sample_to_dict(s) for s in samples]}
            )
        case StatusChanged(key=key, text=text):
            return frame("status", {"key": key, "text": text})
    raise TypeError(f"unknown engine event {type(event).__name__}")


def hello(state: ServeState, principal: Principal) -> bytes:
    engine = state.engine
    return frame(
        "hello",
        {
            "name": principal.name,
            "role": principal.role,
            "statuses": list(engine.status.values()),
            "last_poll": to_iso(engine.last_poll) if engine.last_poll else None,
            "engine": state.engine_holder,
        },
    )


class Subscription:
    """One client's queue of encoded events, fed by the engine's bus."""

    def __init__(self, state: ServeState) -> None:
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=state.max_behind)
        self.dropped = False
        self._unsubscribe = state.engine.subscribe(self._on_event)

    def _on_event(self, event: EngineEvent) -> None:
        if self.dropped:
            return
        try:
            self.queue.put_nowait(encode_event(event))
        except asyncio.QueueFull:
            self.dropped = True
            self.end()

    def end(self) -> None:
        """Stop feeding this client and end its stream after what is queued (or at once, when
        the queue is full: room is what ran out, so make some for the marker)."""
        self.close()
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


async def stream(state: ServeState, principal: Principal) -> AsyncIterator[bytes]:
    subscription = Subscription(state)
    state.streams.add(subscription)
    try:
        yield hello(state, principal)
        while True:
            try:
                item = await asyncio.wait_for(subscription.queue.get(), state.ping_seconds)
            except TimeoutError:
                yield PING
                continue
            if item is None:
                return
            yield item
    finally:
        state.streams.discard(subscription)
        subscription.close()


async def events(request: Request) -> Response:
    state = state_of(request)
    headers = {"cache-control": "no-cache", "x-accel-buffering": "no"}
    return StreamingResponse(
        stream(state, principal_of(request.scope)),
        media_type="text/event-stream",
        headers=headers,
    )


ROUTES = [Route("/v1/events", events, methods=["GET"])]
