"""Console speed: process start to first frame, and key press to updated screen, with
10,000 closed incidents in the archive, 500 open and 300 sources."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from onwatch.incidents import Category, Severity, lifecycle
from onwatch.store import IncidentStore

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


def key_to_screen(config: Path, db: Path, presses: int = 30) -> dict[str, list[float]]:
    """Milliseconds from a key sent to the terminal until the terminal shows its effect.

    onwatch runs in tmux, as under a real terminal; each key goes in with `send-keys` and the
    pane is read back (`capture-pane`, escape sequences included, so a moved cursor counts)
    until it differs from before. Reading the pane costs a few milliseconds itself, so the
    figures are upper bounds at that resolution.
    """
    session = "onwatch-keys"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m onwatch --config {config} --db {db}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-x", "160", "-y", "48", "-s", session,
         *[f"-e{k}={v}" for k, v in env.items() if k.startswith(("PYTHON", "XDG", "HOME", "PATH", "TERM"))],
         command],
        check=True,
    )  # fmt: skip

    def screen() -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-e", "-p", "-t", session], capture_output=True, text=True
        ).stdout

    def press(key: str) -> float:
        before = screen()
        started = time.perf_counter()
        subprocess.run(["tmux", "send-keys", "-t", session, key], check=True)
        deadline = started + 5
        while screen() == before and time.perf_counter() < deadline:
            pass
        return 1000 * (time.perf_counter() - started)

    timings: dict[str, list[float]] = {"down": [], "severity filter": [], "acknowledge": []}
    try:
        deadline = time.time() + 60
        while "Incidents: open  (" not in screen() or "(0)" in screen():
            if time.time() > deadline:
                raise RuntimeError("the console never showed its incidents:\n" + screen())
            time.sleep(0.1)
        time.sleep(2)  # let the first checks settle
        for _ in range(presses):
            timings["down"].append(press("Down"))
            time.sleep(0.2)
            timings["severity filter"].append(press("v"))
            time.sleep(0.2)
            press("v")
            press("v")  # back to all
            time.sleep(0.2)
            timings["acknowledge"].append(press("a"))
            time.sleep(0.3)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
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
            keys = key_to_screen(config, db)
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
