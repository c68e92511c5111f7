"""Where onwatch's Alertmanager silences go: plain data the config builds, without the HTTP
client (listing incidents loads the config, and must not load httpx)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import timedelta

DEFAULT_POLL = timedelta(seconds=30)
DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class AlertmanagerTarget:
    """`[alertmanager]`: where onwatch keeps silences for acknowledged external incidents."""

    url: str
    username: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    """A bearer token; the username and password make basic auth instead."""
    poll: timedelta = DEFAULT_POLL
    """How often to ask whether alerts onwatch silenced still fire (a silence mutes the
    resolved notification too, so the webhook cannot say)."""
    timeout: float = DEFAULT_TIMEOUT

    def headers(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.username:
            pair = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            return {"Authorization": f"Basic {pair}"}
        return {}
