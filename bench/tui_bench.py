"""Console speed: process start to first frame, and key press to updated screen, with
100,000 closed incidents in the archive, 2,000 open and 1,000 sources, against the floor: a
minimal Textual app (bench/floor_app.py) measured by the same harness in the same run,
alternating.

`python -m bench tui [--archived N] [--open N] [--sources N] [--runs N] [--presses N]`

onwatch's modules are compiled to bytecode first, as installing from a wheel does and as any
first start does unless PYTHONDONTWRITEBYTECODE is set: the floor's Textual was compiled when
it was installed, and an editable install in an environment that forbids bytecode would
otherwise compile onwatch from source at every start.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from onwatch.incidents import Category, Severity, lifecycle
from onwatch.incidents.codec import incident_to_dict

ROOT = Path(__file__).resolve().parents[1]
TMUX = ["tmux", "-L", f"onwatch-bench-{os.getpid()}"]
"""A tmux server of our own: another user's sessions neither collide with nor slow ours."""


def compile_onwatch() -> None:
    """Bytecode for onwatch's modules, beside their sources in this tree (see the module's doc)."""
    skip = re.compile(r"/(\.venv[^/]*|build|tests|\.git)(/|$)")
    compileall.compile_dir(ROOT, quiet=1, rx=skip)


def build_store(path: Path, archived: int, open_: int, sources: int) -> None:
    """Closed incidents spread over twelve months, then the open ones, written straight to the
    store's files in its own format (the store would take minutes to write 100,000 one by one)."""
    start = datetime(2025, 11, 1, tzinfo=UTC)
    spacing = timedelta(days=365) / max(archived, 1)
    live: dict[str, dict] = {}
    months: dict[str, dict[str, dict]] = {}
    for n in range(archived + open_):
        at = start + spacing * min(n, archived)
        incident = lifecycle.open_incident(
            incident_id=n + 1,
            source=f"host-{n % sources:03d}",
            check="local",
            metric=f"disk:/srv/{n}",
            title=f"disk /srv/{n} above critical 90%",
            severity=Severity.CRITICAL if n % 3 else Severity.WARNING,
            category=Category.RESOURCE,
            value=93.0,
            threshold=90.0,
            at=at,
        )
        if n < archived:
            closed = at + timedelta(minutes=30)
            incident = lifecycle.close(incident, by="bench", at=closed)
            months.setdefault(closed.strftime("%Y-%m"), {})[str(n + 1)] = incident_to_dict(incident)
        else:
            live[str(n + 1)] = incident_to_dict(incident)
    meta = {"1": {"format": 1, "next_id": archived + open_ + 1, "revision": 1}}
    path.write_text(json.dumps({"meta": meta, "incidents": live}))
    for month, records in months.items():
        archive = path.with_name(f"{path.stem}-archive-{month}{path.suffix}")
        archive.write_text(json.dumps({"incidents": records}))


def write_config(path: Path, port: int, sources: int) -> None:
    lines = ['operator = "bench"', "[local]", "enabled = false"]
    for n in range(sources):
        lines += [
            "[[http]]",
            f'name = "host-{n:03d}"',
            f'url = "http://127.0.0.1:{port}/{n}"',
            'interval = "10s"',
        ]
    path.write_text("\n".join(lines) + "\n")


def onwatch_command(config: Path, db: Path, *, probe: bool) -> str:
    module = "bench.paint_probe" if probe else "onwatch"
    return f"{sys.executable} -m {module} --config {config} --db {db}"


def floor_command(rows: int) -> str:
    return f"{sys.executable} -m bench.floor_app {rows}"


def first_paint(command: str) -> tuple[float, float] | None:
    """Seconds from spawning `command` to its first frame, and to the first frame showing the
    rows, in a real terminal (tmux); None if it never painted."""
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "painted"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ONWATCH_BENCH_PAINTED": str(marker)}
        started = time.time()
        subprocess.run(
            [
                *TMUX,
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "48",
                "-s",
                f"onwatch-bench-{os.getpid()}",
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
        subprocess.run([*TMUX, "kill-session", "-t", f"onwatch-bench-{os.getpid()}"], check=False)
        if marker.exists() and full.exists():
            return float(marker.read_text()) - started, float(full.read_text()) - started
    return None


def key_to_screen(
    command: str, ready: str, keys: dict[str, list[str]], presses: int
) -> dict[str, list[float]]:
    """Milliseconds from a key sent to the terminal until the terminal shows its effect.

    onwatch runs in tmux, as under a real terminal; each key goes in with `send-keys` and the
    pane is read back (`capture-pane`, escape sequences included, so a moved cursor counts)
    until it differs from before. Reading the pane costs a few milliseconds itself, so the
    figures are upper bounds at that resolution.
    """
    session = f"onwatch-keys-{os.getpid()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [*TMUX, "new-session", "-d", "-x", "160", "-y", "48", "-s", session,
         *[f"-e{k}={v}" for k, v in env.items() if k.startswith(("PYTHON", "XDG", "HOME", "PATH", "TERM"))],
         command],
        check=True,
    )  # fmt: skip

    def screen() -> str:
        return subprocess.run(
            [*TMUX, "capture-pane", "-e", "-p", "-t", session], capture_output=True, text=True
        ).stdout

    def press(key: str) -> float:
        before = screen()
        started = time.perf_counter()
        subprocess.run([*TMUX, "send-keys", "-t", session, key], check=True)
        deadline = started + 5
        while screen() == before and time.perf_counter() < deadline:
            pass
        return 1000 * (time.perf_counter() - started)

    timings: dict[str, list[float]] = {name: [] for name in keys}
    try:
        deadline = time.time() + 90
        while ready not in screen() or "(0)" in screen():
            if time.time() > deadline:
                raise RuntimeError("the app never showed its rows:\n" + screen())
            time.sleep(0.1)
        time.sleep(2)  # let the first checks settle
        for _ in range(presses):
            for name, sequence in keys.items():
                timings[name].append(press(sequence[0]))
                for key in sequence[1:]:
                    press(key)  # undo (a filter back to all), not timed
                time.sleep(0.2)
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", session], check=False)
    return timings


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "p90": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "max": round(ordered[-1], 1),
    }


ONWATCH_KEYS = {"down": ["Down"], "severity filter": ["v", "v", "v"], "acknowledge": ["a"]}
FLOOR_KEYS = {"down": ["Down"]}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench tui")
    parser.add_argument("--archived", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=2_000, dest="open_")
    parser.add_argument("--sources", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5, help="first frames of each, alternating")
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args(argv)
    compile_onwatch()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "incidents.json"
        built = time.perf_counter()
        build_store(db, args.archived, args.open_, args.sources)
        print(f"store built in {time.perf_counter() - built:.1f}s", file=sys.stderr)
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.fast_server"],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        paints: dict[str, list[tuple[float, float]]] = {"onwatch": [], "floor": []}
        # A session that outlives the measured ones: tmux stops its server with the last
        # session, and a session started in that moment fails.
        subprocess.run([*TMUX, "new-session", "-d", "-s", "keeper", "sleep 86400"], check=True)
        try:
            port = int(server.stdout.readline())  # type: ignore[union-attr]
            config = Path(tmp) / "config.toml"
            write_config(config, port, args.sources)
            commands = {
                "onwatch": onwatch_command(config, db, probe=True),
                "floor": floor_command(args.open_),
            }
            for _ in range(args.runs):
                for name, command in commands.items():
                    painted = first_paint(command)
                    if painted is not None:
                        paints[name].append(painted)
            floor_keys = key_to_screen(floor_command(args.open_), "floor", FLOOR_KEYS, args.presses)
            keys = key_to_screen(
                onwatch_command(config, db, probe=False), "Incidents: open  (", ONWATCH_KEYS,
                args.presses,
            )  # fmt: skip
        finally:
            subprocess.run([*TMUX, "kill-server"], check=False)
            server.terminate()
            server.wait()
    result: dict = {"archived": args.archived, "open": args.open_, "sources": args.sources}
    for name, values in paints.items():
        result[f"{name}_first_frame_s"] = summary([p[0] for p in values]) if values else None
        result[f"{name}_rows_on_screen_s"] = summary([p[1] for p in values]) if values else None
    result["onwatch_key_to_screen_ms"] = {name: summary(v) for name, v in keys.items()}
    result["floor_key_to_screen_ms"] = {name: summary(v) for name, v in floor_keys.items()}
    if paints["onwatch"] and paints["floor"]:
        result["ratio_rows_on_screen"] = round(
            result["onwatch_rows_on_screen_s"]["median"]
            / result["floor_rows_on_screen_s"]["median"],
            2,
        )
    result["ratio_down"] = round(
        result["onwatch_key_to_screen_ms"]["down"]["median"]
        / result["floor_key_to_screen_ms"]["down"]["median"],
        2,
    )
    print(json.dumps({"console": result}, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
