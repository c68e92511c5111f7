"""Console speed: process start to first frame, and key press to updated screen, with
10,000 closed incidents in the archive, 500 open and 300 sources."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incidents import Category, Severity, lifecycle
from store import IncidentStore

ROOT = Path(__file__).resolve().parents[1]
ARCHIVED = 10_000
OPEN = 500
SOURCES = 300


def build_store(path: Path) -> None:
    """Closed incidents spread over twelve months, then the open ones, written in bulk."""
    store = IncidentStore(path)
    start = datetime(2025, 11, 1, tzinfo=UTC)
    with store.transaction() as txn:
        for n in range(ARCHIVED + OPEN):
            at = start + timedelta(minutes=52 * n)
            incident = lifecycle.open_incident(
                incident_id=txn.next_id(),
                source=f"host-{n % SOURCES:03d}",
                check="local",
                metric=f"disk:/srv/{n}",
                title=f"disk /srv/{n} above critical 90%",
                severity=Severity.CRITICAL if n % 3 else Severity.WARNING,
                category=Category.RESOURCE,
                value=93.0,
                threshold=90.0,
                at=at,
            )
            if n < ARCHIVED:
                incident = lifecycle.close(incident, by="bench", at=at + timedelta(minutes=30))
            txn.put(incident)


def write_config(path: Path, port: int) -> None:
    lines = ['operator = "bench"', "[local]", "enabled = false"]
    for n in range(SOURCES):
        lines += [
            "[[http]]",
            f'name = "host-{n:03d}"',
            f'url = "http://127.0.0.1:{port}/{n}"',
            'interval = "10s"',
        ]
    path.write_text("\n".join(lines) + "\n")


def first_paint(config: Path, db: Path, runs: int = 5) -> tuple[list[float], list[float]]:
    """Seconds from spawning `onwatch` to its first frame, and to the first frame showing the
    open incidents, in a real terminal (tmux)."""
    times: list[float] = []
    filled: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            marker = Path(tmp) / "painted"
            env = {**os.environ, "PYTHONPATH": str(ROOT), "ONWATCH_BENCH_PAINTED": str(marker)}
            command = f"{sys.executable} -m bench.paint_probe --config {config} --db {db}"
            started = time.time()
            subprocess.run(
                [
                    "tmux",
                    "new-session",
                    "-d",
                    "-x",
                    "160",
                    "-y",
                    "48",
                    "-s",
                    "onwatch-bench",
                    *[
                        f"-e{k}={v}"
                        for k, v in env.items()
                        if k.startswith(("PYTHON", "ONWATCH", "XDG", "HOME", "PATH", "TERM"))
                    ],
                    command,
                ],
                check=True,
            )
            full = marker.with_name("filled")
            deadline = time.time() + 30
            while not full.exists() and time.time() < deadline:
                time.sleep(0.005)
            subprocess.run(["tmux", "kill-session", "-t", "onwatch-bench"], check=False)
            if marker.exists() and full.exists():
                times.append(float(marker.read_text()) - started)
                filled.append(float(full.read_text()) - started)
    return times, filled


async def key_to_screen(config: Path, db: Path, presses: int = 40) -> dict[str, list[float]]:
    """Milliseconds from a key press until the screen shows its result (headless)."""
    from engine import Engine, EngineOptions, EngineSettings
    from onwatch.config import load_config
    from tui.app import OnwatchApp

    cfg = load_config(config, os.environ)

    class Idle:
        async def collect(self, now: datetime) -> list:
            return []

    engine = Engine(
        EngineSettings(watches=cfg.watches),
        IncidentStore(db),
        operator="bench",
        build_collector=lambda w: Idle(),
        options=EngineOptions(),
    )
    app = OnwatchApp(engine, operator="bench", clock=lambda: datetime.now(UTC), autostart=False)
    timings: dict[str, list[float]] = {"down": [], "filter": [], "acknowledge": []}
    async with app.run_test(size=(160, 48)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for n in range(presses):
            for name, keys in (("down", ("down",)), ("filter", ("v",)), ("acknowledge", ("a",))):
                if name == "acknowledge" and n % 2:
                    keys = ("down",)
                started = time.perf_counter()
                await pilot.press(*keys)
                await app.workers.wait_for_complete()
                await pilot.pause()
                timings[name].append(1000 * (time.perf_counter() - started))
    return timings


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "p90": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "max": round(ordered[-1], 1),
    }


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "incidents.json"
        built = time.perf_counter()
        build_store(db)
        print(f"store built in {time.perf_counter() - built:.1f}s", file=sys.stderr)
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.fast_server"],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            port = int(server.stdout.readline())  # type: ignore[union-attr]
            config = Path(tmp) / "config.toml"
            write_config(config, port)
            paints, filled = first_paint(config, db)
            keys = asyncio.run(key_to_screen(config, db))
        finally:
            server.terminate()
            server.wait()
    result = {
        "first_paint_s": summary(paints) if paints else None,
        "incidents_on_screen_s": summary(filled) if filled else None,
        "key_to_screen_ms": {name: summary(values) for name, values in keys.items()},
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
