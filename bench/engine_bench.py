"""Engine load: N HTTP checks at a 10 s interval against a fast local server, measured in a
separate process so the server's own CPU is not counted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_case(checks: int, interval: float, duration: float, in_flight: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.fast_server"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        port = int(server.stdout.readline())  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.engine_worker",
                    str(port),
                    str(checks),
                    str(interval),
                    str(duration),
                    str(in_flight),
                    str(Path(tmp) / "incidents.json"),
                ],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
        return json.loads(out.stdout)
    finally:
        server.terminate()
        server.wait()


def main(duration: float = 60.0) -> list[dict]:
    results = []
    for checks, in_flight in ((100, 64), (1000, 64), (1000, 16), (1000, 256)):
        result = run_case(checks, 10.0, duration, in_flight)
        print(json.dumps(result), flush=True)
        results.append(result)
    return results


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
