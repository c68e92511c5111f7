"""A stand-in for `onwatch serve` speaking API v1 over real sockets, on a real store through the
operations API, for as long as the server itself is not in this branch. It runs in a thread of
its own, so the console under test and subprocess scripts alike talk to it over TCP."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from onwatch.engine.operations import Operations
from onwatch.incidents import IncidentError, TransitionError
from onwatch.incidents.codec import incident_to_dict
from onwatch.incidents.silences import silence_to_dict
from onwatch.incidents.timefmt import parse_duration
from onwatch.store import IncidentStore, NotFound, SilenceNotFound, SilenceStore

REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized"}
OPEN_STATES = {"triggered", "acknowledged", "resolved"}


class StandIn:
    def __init__(self, db: Path, tokens: dict[str, tuple[str, str]], port: int = 0) -> None:
        self.store = IncidentStore(db)
        self.silences = SilenceStore(db.with_name("silences.json"))
        self.tokens = tokens  # token -> (name, role)
        self.port = port
        self._streams: set[asyncio.StreamWriter] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        async def serve() -> None:
            server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
            self.port = server.sockets[0].getsockname()[1]
            self._server = server
            ready.set()

        def run() -> None:
            assert self._loop is not None
            self._loop.run_until_complete(serve())
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        assert ready.wait(5)

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return  # stopped already (the test stopped it to see the console cope)
        self._loop = self._thread = None

        async def shut() -> None:
            self._server.close()
            for writer in list(self._streams):
                writer.transport.abort()
            self._streams.clear()

        asyncio.run_coroutine_threadsafe(shut(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)

    def act(self, verb: str, incident_id: int, by: str) -> None:
        """An action taken on the server's side (another operator), published to the streams."""
        ops = Operations(self.store, clock=lambda: datetime.now(UTC), operator=by)
        change = getattr(ops, verb)(incident_id, by=by)
        event = {"event": change.event.value, "incident": incident_to_dict(change.incident)}
        asyncio.run_coroutine_threadsafe(self._publish("incident", event), self._loop).result(5)

    async def _publish(self, name: str, data: Any) -> None:
        frame = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
        for writer in list(self._streams):
            writer.write(frame)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        lines = head.decode().split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        token = headers.get("authorization", "").removeprefix("Bearer ")
        who = self.tokens.get(token)
        if who is None:
            return await self._reply(writer, 401, {"error": "unknown token"})
        if method != "GET" and who[1] != "operator":
            return await self._reply(writer, 403, {"error": f"{who[0]} is a viewer"})
        if parts.path == "/v1/events":
            return await self._stream(writer, who)
        try:
            status, answer = self._route(method, parts.path, query, body, who[0])
        except (NotFound, SilenceNotFound) as exc:
            status, answer = 404, {"error": str(exc)}
        except TransitionError as exc:
            status, answer = 409, {"error": str(exc)}
        except (IncidentError, ValueError, KeyError) as exc:
            status, answer = 400, {"error": str(exc)}
        await self._reply(writer, status, answer)

    def _route(self, method: str, path: str, query: dict, body: bytes, name: str) -> tuple:
        ops = Operations(
            self.store, clock=lambda: datetime.now(UTC), operator=name, silences=self.silences
        )
        data = json.loads(body) if body else {}
        segments = path.strip("/").split("/")[1:]
        if segments == ["incidents"]:
            state = query.get("state", "open")
            wanted = OPEN_STATES if state == "open" else None if state == "all" else {state}
            found = [i for i in self.store.list() if wanted is None or i.state.value in wanted]
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 100))
            return 200, [incident_to_dict(i) for i in found[offset : offset + limit]]
        if segments[0] == "incidents" and len(segments) == 2:
            return 200, incident_to_dict(self.store.get(int(segments[1])))
        if segments[0] == "incidents" and method == "POST":
            incident_id, verb = int(segments[1]), segments[2]
            note = data.get("note", "")
            change = {
                "ack": lambda: ops.acknowledge(incident_id, note=note),
                "escalate": lambda: ops.escalate(incident_id, note=note),
                "close": lambda: ops.close(incident_id, note=note),
                "reopen": lambda: ops.reopen(incident_id, note=note),
                "note": lambda: ops.note(incident_id, data["text"]),
                "priority": lambda: ops.set_priority(incident_id, data["priority"], note=note),
            }[verb]()
            event = {"event": change.event.value, "incident": incident_to_dict(change.incident)}
            asyncio.get_running_loop().create_task(self._publish("incident", event))
            return 200, incident_to_dict(change.incident)
        if segments == ["sources"]:
            return 200, []
        if segments == ["silences"] and method == "GET":
            everything = query.get("all") == "true"
            found = self.silences.list() if everything else self.silences.active(ops.clock())
            return 200, [silence_to_dict(s) for s in found]
        if segments == ["silences"] and method == "POST":
            duration = parse_duration(data["for"])
            silence = ops.silence(data["match"], duration=duration, reason=data["reason"])
            return 201, silence_to_dict(silence)
        if segments[0] == "silences" and method == "DELETE":
            try:
                return 200, silence_to_dict(ops.expire_silence(int(segments[1])))
            except IncidentError as exc:
                raise TransitionError(str(exc)) from None
        return 404, {"error": f"no route {path}"}

    async def _reply(self, writer: asyncio.StreamWriter, status: int, data: Any) -> None:
        payload = json.dumps(data).encode()
        writer.write(
            f"HTTP/1.1 {status} {REASONS.get(status, 'X')}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(payload)}\r\nconnection: close\r\n\r\n".encode()
            + payload
        )
        await writer.drain()
        writer.close()

    async def _stream(self, writer: asyncio.StreamWriter, who: tuple[str, str]) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
        )
        hello = {"name": who[0], "role": who[1], "statuses": [], "last_poll": None,
                 "engine": "pid 1 on test"}  # fmt: skip
        writer.write(f"event: hello\ndata: {json.dumps(hello)}\n\n".encode())
        self._streams.add(writer)
