"""The HTTP floor and the engine in one run: `python -m bench http [--duration S]`.

Bare asyncio, bare httpx, httpx over the httpx-aiohttp transport and bare aiohttp each send
requests to `bench/fast_server.py` at the pace of 1,000, 2,000, 5,000 and 10,000 checks every 10 s
(100, 200, 500 and 1,000 a second); then the engine runs that many HTTP checks at 10 s, each case in
its own process. Everything runs in the bench's own environment (bench/.venv-http: onwatch's
runtime lock plus httpx-aiohttp, which onwatch itself does not depend on).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "bench" / ".venv-http"
EXTRA = ("httpx-aiohttp==0.2.0",)
CHECKS = (1_000, 2_000, 5_000, 10_000)
INTERVAL = 10.0


def bench_python() -> Path:
    python = VENV / "bin" / "python"
    marker = VENV / ".installed"
    lock = ROOT / "requirements.lock"
    if not marker.exists() or marker.read_text() != lock.read_text() + repr(EXTRA):
        print(f"preparing {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--require-hashes", "-r", str(lock)], check=True)
        subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
        subprocess.run([*pip, *EXTRA], check=True)
        marker.write_text(lock.read_text() + repr(EXTRA))
    return python


def _in_bench_env(argv: list[str]) -> dict:
    python = bench_python()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [str(python), "-m", "bench.http_bench", "--inside", *argv],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    lines = out.splitlines()
    for line in lines[:-1]:
        print(line, flush=True)
    return json.loads(lines[-1])


def _run_inside(duration: float, client_seconds: float) -> dict:
    from bench import engine_bench, raw_client

    server = subprocess.Popen(
        [sys.executable, "-m", "bench.fast_server"], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    floors = {}
    try:
        port = int(server.stdout.readline())  # type: ignore[union-attr]
        for checks in CHECKS:
            rate = checks / INTERVAL
            floors[checks] = raw_client.paced(port, rate, client_seconds)
            print(json.dumps({"floor_per_s": rate, **floors[checks]}), flush=True)
    finally:
        server.terminate()
        server.wait()
    engines = {}
    for checks in CHECKS:
        engines[checks] = engine_bench.run_case(checks, INTERVAL, duration, 64)
        print(json.dumps(engines[checks]), flush=True)
    rows = []
    for checks in CHECKS:
        floor, engine = floors[checks], engines[checks]
        row = {"checks": checks, "per_s": checks / INTERVAL}
        for name, result in floor.items():
            row[name] = result.get("cpu_ms_per_request")
        row["engine"] = engine["cpu_ms_per_check"]
        row["engine_cpu_percent"] = engine["cpu_percent_of_one_core"]
        row["engine_vs_bare_asyncio"] = round(engine["cpu_ms_per_check"] / row["bare asyncio"], 2)
        row["engine_vs_bare_httpx"] = round(engine["cpu_ms_per_check"] / row["bare httpx"], 2)
        row["lag_p99_ms"] = engine["lag_p99_ms"]
        row["lag_max_ms"] = engine["lag_max_ms"]
        row["checks_run"] = engine["checks_run"]
        row["checks_due"] = int(checks * duration / INTERVAL)
        rows.append(row)
    return {"http_floor_and_engine": rows}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench http")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per engine case")
    parser.add_argument("--client-seconds", type=float, default=10.0, help="seconds per client")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        result = _run_inside(args.duration, args.client_seconds)
        print(json.dumps(result), flush=True)
        return result
    result = _in_bench_env(
        ["--duration", str(args.duration), "--client-seconds", str(args.client_seconds)]
    )
    _print_table(result["http_floor_and_engine"])
    return result


def _print_table(rows: list[dict]) -> None:
    names = ["bare asyncio", "bare httpx", "httpx + httpx-aiohttp", "bare aiohttp", "engine"]
    print("CPU ms per request (per check for the engine), same run:")
    print(
        f"{'checks @10s':>12} " + " ".join(f"{n:>22}" for n in names) + "  engine/asyncio  lag p99"
    )
    for row in rows:
        cells = " ".join(f"{row.get(n) if row.get(n) is not None else '-':>22}" for n in names)
        print(
            f"{row['checks']:>12} {cells}  {row['engine_vs_bare_asyncio']:>13}x"
            f"  {row['lag_p99_ms']} ms"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
