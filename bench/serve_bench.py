"""`onwatch serve` under load: 20 clients on the event stream while the server runs 1,000 HTTP
checks at 10 s. Figures: events per second delivered to the clients, the time from an action
to all 20 clients having seen it (p50, p99, max), and the server process's CPU.

The server runs in its own process (`onwatch serve`), the checks' target in another
(`bench/fast_server.py`); the clients share this process, so their parsing is not counted
against the server.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-operator-token"
CLIENTS = 20
CHECKS = 1000
ACTIONS = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(path: Path, target: int, closed: int) -> None:
    lines = [
        'operator = "bench"',
        "[local]",
        "enabled = false",
        "[notify]",
        "desktop = false",
        "[[serve.tokens]]",
        'name = "bench"',
        'role = "operator"',
        'token = "${BENCH_TOKEN}"',
        "[[tcp]]",  # one failing check: the incident the actions are taken on
        'name = "down"',
        'host = "127.0.0.1"',
        f"port = {closed}",
        'interval = "10s"',
    ]
    for n in range(CHECKS):
        lines += ["[[http]]", f'name = "web-{n:04d}"']
        lines += [f'url = "http://127.0.0.1:{target}/{n}"', 'interval = "10s"']
    path.write_text("\n".join(lines) + "\n")


class Client:
    """One event-stream reader: counts events, remembers when each action's note arrived."""

    def __init__(self) -> None:
        self.events = 0
        self.seen: dict[str, float] = {}

    async def follow(self, http: httpx.AsyncClient, url: str, ready: asyncio.Event) -> None:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with http.stream("GET", f"{url}/v1/events", headers=headers) as response:
            kind = ""
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                    if kind == "hello":
                        ready.set()
                elif line.startswith("data:"):
                    self.events += 1
                    if kind == "incident":
                        timeline = json.loads(line[5:])["incident"]["timeline"]
                        note = timeline[-1]["note"] if timeline else ""
                        if note.startswith("bench "):
                            self.seen.setdefault(note, time.perf_counter())


async def measure(url: str, server_pid: int, window: float) -> dict:
    clients = [Client() for _ in range(CLIENTS)]
    limits = httpx.Limits(max_connections=CLIENTS + 4)
    async with httpx.AsyncClient(timeout=None, limits=limits) as http:
        ready = [asyncio.Event() for _ in clients]
        tasks = [
            asyncio.create_task(c.follow(http, url, r)) for c, r in zip(clients, ready, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 60)
        server = psutil.Process(server_pid)
        # The events delivered while the checks run at their steady pace.
        before_events = sum(c.events for c in clients)
        before_cpu = sum(server.cpu_times()[:2])
        started = time.perf_counter()
        await asyncio.sleep(window)
        elapsed = time.perf_counter() - started
        cpu = sum(server.cpu_times()[:2]) - before_cpu
        delivered = sum(c.events for c in clients) - before_events
        # Actions, one at a time, each until every client has seen it.
        latencies = []
        headers = {"Authorization": f"Bearer {TOKEN}"}
        for n in range(ACTIONS):
            note = f"bench {n}"
            sent = time.perf_counter()
            response = await http.post(
                f"{url}/v1/incidents/1/note", json={"text": note}, headers=headers
            )
            response.raise_for_status()
            deadline = sent + 10
            while not all(note in c.seen for c in clients):
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"not every client saw {note!r} within 10 s")
                await asyncio.sleep(0.001)
            latencies.append(max(c.seen[note] for c in clients) - sent)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    return {
        "bench": "serve",
        "checks": CHECKS,
        "clients": CLIENTS,
        "events_per_second": round(delivered / elapsed),
        "server_cpu_percent": round(100 * cpu / elapsed, 1),
        "action_to_all_clients_ms": {
            "p50": round(statistics.median(latencies) * 1000, 1),
            "p99": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
            "max": round(latencies[-1] * 1000, 1),
        },
        "actions": len(latencies),
    }


def main(window: float = 30.0) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_TOKEN": TOKEN}
    target = subprocess.Popen(
        [sys.executable, "-m", "bench.fast_server"], stdout=subprocess.PIPE, text=True, env=env
    )
    with tempfile.TemporaryDirectory() as tmp:
        try:
            config = Path(tmp) / "onwatch.toml"
            write_config(config, int(target.stdout.readline()), free_port())  # type: ignore[union-attr]
            port = free_port()
            db = Path(tmp) / "incidents.json"
            command = ["--config", str(config), "--db", str(db), "serve"]
            server = subprocess.Popen(
                [sys.executable, "-m", "onwatch", *command, "--listen", f"127.0.0.1:{port}"],
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            try:
                line = server.stderr.readline()  # type: ignore[union-attr]
                if "serving on" not in line:
                    raise RuntimeError(f"onwatch serve did not start: {line.strip()}")
                url = f"http://127.0.0.1:{port}"
                _wait_for_incident(url)
                result = asyncio.run(measure(url, server.pid, window))
            finally:
                server.terminate()
                server.wait(timeout=30)
            result["engine_alone_cpu_percent"] = engine_alone_cpu(config, Path(tmp), env, window)
        finally:
            target.terminate()
            target.wait()
    print(json.dumps(result), flush=True)
    return result


def engine_alone_cpu(config: Path, tmp: Path, env: dict[str, str], window: float) -> float:
    """The same checks under `run --headless`, no server and no clients: the floor that the
    server's CPU is compared with, measured in the same run."""
    db = tmp / "alone.json"
    command = ["--config", str(config), "--db", str(db), "run", "--headless"]
    engine = subprocess.Popen(
        [sys.executable, "-m", "onwatch", *command], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        if "opened" not in engine.stdout.readline():  # type: ignore[union-attr]
            raise RuntimeError("run --headless raised no incident")
        process = psutil.Process(engine.pid)
        time.sleep(5)  # past the start-up, as the server was when it was measured
        before = sum(process.cpu_times()[:2])
        started = time.perf_counter()
        time.sleep(window)
        cpu = sum(process.cpu_times()[:2]) - before
        return round(100 * cpu / (time.perf_counter() - started), 1)
    finally:
        engine.terminate()
        engine.wait(timeout=30)


def _wait_for_incident(url: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = httpx.get(f"{url}/v1/incidents/1", headers=headers, timeout=10)
        if response.status_code == 200:
            return
        time.sleep(0.5)
    raise RuntimeError("the failing check raised no incident within 60 s")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
