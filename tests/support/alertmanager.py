"""An engine with `[alertmanager]` on a clock the test moves, and a stand-in Alertmanager for the
failures the real one cannot be made to show (tests/stack drives the real one)."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from onwatch.engine import Engine, EngineSettings
from onwatch.engine.notifying import Notifications
from onwatch.engine.specs import NotifySettings
from onwatch.incidents import Incident
from onwatch.incidents.external import AlertStatus, ExternalAlert
from onwatch.notify.alertmanager_target import AlertmanagerTarget
from onwatch.store import IncidentStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def silence_engine(
    store: IncidentStore, url: str, clock: Clock, *, token: str = "", poll: float = 30
) -> Engine:
    target = AlertmanagerTarget(url=url, token=token, poll=timedelta(seconds=poll))
    settings = EngineSettings(notify=NotifySettings(desktop=False), alertmanager=target)
    engine = Engine(
        settings,
        store,
        operator="dana",
        clock=clock,
        notifications=Notifications(settings.notify, clock),
    )
    await engine.start(schedule=False)
    return engine


async def acknowledged_alert(engine: Engine, labels: dict[str, str]) -> int:
    """An alert received and acknowledged, as the webhook and the ack route would do it."""
    alert = ExternalAlert(AlertStatus.FIRING, tuple(sorted(labels.items())), fingerprint="0a1b2c")
    (opened,) = await asyncio.to_thread(engine.operations.receive_alerts, [alert], by="am")
    engine.publish_change(opened)
    acked = await asyncio.to_thread(engine.operations.acknowledge, opened.incident.id)
    engine.publish_change(acked)
    return opened.incident.id


async def sync_round(engine: Engine) -> None:
    """One tick, its calls to Alertmanager, and what they wrote."""
    engine.tick()
    assert engine.alertmanager is not None
    await engine.alertmanager.wait_idle()
    await engine.settle()


def current(engine: Engine, incident_id: int) -> Incident:
    return engine.store.get(incident_id)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeAlertmanager:
    """Answers the four calls onwatch makes; records every request."""

    port: int = 0
    requests: list[Request] = field(default_factory=list)
    muting: set[str] = field(default_factory=set)
    """Silence ids that GET /api/v2/alerts reports as muting an alert."""
    silences: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: Any = None) -> None:
                raw = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _record(self) -> Request:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length)) if length else None
                request = Request(self.command, self.path, dict(self.headers), body)
                fake.requests.append(request)
                return request

            def do_POST(self) -> None:
                request = self._record()
                silence_id = request.body.get("id") or f"s-{len(fake.silences) + 1}"
                fake.silences[silence_id] = {**request.body, "id": silence_id}
                self._answer(200, {"silenceID": silence_id})

            def do_GET(self) -> None:
                request = self._record()
                if request.path.startswith("/api/v2/alerts"):
                    alerts = [{"status": {"silencedBy": [s]}} for s in sorted(fake.muting)]
                    self._answer(200, alerts)
                    return
                silence = fake.silences.get(request.path.rsplit("/", 1)[-1])
                if silence is None:
                    self._answer(404, "not found")
                    return
                self._answer(200, {**silence, "status": {"state": "active"}})

            def do_DELETE(self) -> None:
                request = self._record()
                fake.silences.pop(request.path.rsplit("/", 1)[-1], None)
                self._answer(200)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def calls(self, method: str, prefix: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
