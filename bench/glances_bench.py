"""onwatch headless against Glances, both watching this host every second, in the same run.

`python -m bench glances [--duration S] [--rounds N]`: installs Glances from PyPI into the
bench's own environment (bench/.venv-glances, never a runtime dependency of onwatch), then
runs each tool alone for the duration, alternating (onwatch, Glances, onwatch, ...), and reads
the CPU seconds (user + system) and the peak RSS of each process tree from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLANCES_VENV = ROOT / "bench" / ".venv-glances"
GLANCES_VERSION = "4.5.8"
ONWATCH_CONFIG = '[local]\ninterval = "1s"\n'
TICK = os.sysconf("SC_CLK_TCK")
START_SECONDS = 3.0
"""CPU spent by then counts as starting; the rest of the run is the steady cost."""


def glances_bin() -> Path:
    exe = GLANCES_VENV / "bin" / "glances"
    marker = GLANCES_VENV / f".glances-{GLANCES_VERSION}"
    if not marker.exists():
        print(f"installing glances=={GLANCES_VERSION} into {GLANCES_VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(GLANCES_VENV)], check=True)
        pip = [str(GLANCES_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, f"glances=={GLANCES_VERSION}"], check=True)
        marker.touch()
    return exe


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (from /proc/*/stat's parent field)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICK


def _peak_rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total / 1024


def measure(name: str, argv: list[str], env: dict[str, str], duration: float) -> dict:
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        time.sleep(START_SECONDS)
        at_start = _cpu_seconds(_tree(proc.pid))
        time.sleep(max(0.0, duration - (time.monotonic() - started)))
        pids = _tree(proc.pid)
        cpu, rss = _cpu_seconds(pids), _peak_rss_mib(pids)
        wall = time.monotonic() - started
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited early: {proc.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    steady = (cpu - at_start) / (wall - START_SECONDS)
    return {
        "tool": name,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 3),
        "start_cpu_s": round(at_start - steady * START_SECONDS, 3),
        "steady_cpu_percent": round(100 * steady, 2),
        "peak_rss_mib": round(rss, 1),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench glances")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds each tool runs")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each tool, alternating")
    args = parser.parse_args(argv)
    glances = glances_bin()
    runs: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "onwatch.toml"
        config.write_text(ONWATCH_CONFIG)
        env = {
            **os.environ,
            "ONWATCH_DB": str(Path(tmp) / "db" / "incidents.json"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "xdg-config"),
            "XDG_DATA_HOME": str(Path(tmp) / "xdg-data"),
        }
        onwatch = [str(Path(sys.executable).parent / "onwatch"), "--config", str(config)]
        tools = {
            "onwatch": [*onwatch, "run", "--headless"],
            "glances": [str(glances), "--stdout", "cpu.total,mem.percent,load", "-t", "1"],
        }
        for _ in range(args.rounds):
            for name, command in tools.items():
                result = measure(name, command, env, args.duration)
                print(json.dumps(result), flush=True)
                runs.append(result)
    summary = {"duration_s": args.duration, "rounds": args.rounds}
    for key in ("cpu_s", "start_cpu_s", "steady_cpu_percent", "peak_rss_mib"):
        for name in tools:
            values = [r[key] for r in runs if r["tool"] == name]
            summary[f"{name}_{key}"] = round(statistics.median(values), 3)
        summary[f"ratio_{key}"] = round(summary[f"onwatch_{key}"] / summary[f"glances_{key}"], 2)
    print(json.dumps({"onwatch_vs_glances": summary}), flush=True)
    print(
        f"Watching this host at 1 s for {args.duration:.0f} s, medians of {args.rounds} runs each:"
    )
    print(f"{'':>22} {'onwatch':>9} {'Glances':>9} {'ratio':>6}")
    for key, label in (
        ("cpu_s", "CPU seconds"),
        ("start_cpu_s", "of which starting"),
        ("steady_cpu_percent", "steady, % of a core"),
        ("peak_rss_mib", "peak RSS, MiB"),
    ):
        print(
            f"{label:>22} {summary[f'onwatch_{key}']:>9} {summary[f'glances_{key}']:>9}"
            f" {summary[f'ratio_{key}']:>5}x"
        )
    return summary


if __name__ == "__main__":
    main(sys.argv[1:])
