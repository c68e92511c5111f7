"""What the routes share: the engine, its read model, the tokens, the metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import Request

from onwatch.engine.core import Engine
from onwatch.engine.local_backend import LocalBackend
from onwatch.serve.auth import Tokens
from onwatch.serve.metrics import Metrics
from onwatch.serve.pages.sessions import Sessions
from onwatch.serve.throttle import Throttle

if TYPE_CHECKING:
    from onwatch.serve.events import Subscription


@dataclass
class ServeState:
    engine: Engine
    backend: LocalBackend
    """The in-process console backend, for its read model (sources) and the config reload."""
    tokens: Tokens
    metrics: Metrics
    engine_holder: str
    """Who runs the engine, for the event stream's hello ("pid 4321 on noc-1, since ...")."""
    ping_seconds: float = 15.0
    max_behind: int = 1000
    sessions: Sessions = field(default_factory=Sessions)
    """The browser pages' logins."""
    throttle: Throttle = field(default_factory=Throttle)
    """Wrong tokens per client address (the login form's and bearer headers')."""
    streams: set[Subscription] = field(default_factory=set)
    """The event streams open now, ended together when the server stops."""

    def end_streams(self) -> None:
        """Finish every event stream now: at shutdown a stream would otherwise hold the server
        until its grace period runs out (clients reconnect to whoever serves next)."""
        for subscription in list(self.streams):
            subscription.end()


def state_of(request: Request) -> ServeState:
    return request.app.state.onwatch
