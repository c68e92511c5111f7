"""The cost of one full sample of this host (cpu, memory, swap, disks, load, network)."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from datetime import UTC, datetime

from onwatch.collectors.local import LocalCollector
from onwatch.collectors.specs import LocalCheck


async def measure(runs: int, processes: tuple[str, ...]) -> dict[str, float]:
    collector = LocalCollector(LocalCheck(processes=processes))
    await collector.collect(datetime.now(UTC))  # primes the cpu and network counters
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        await collector.collect(datetime.now(UTC))
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {
        "processes": len(processes),
        "runs": runs,
        "wall_median_us": round(1e6 * statistics.median(wall)),
        "cpu_median_us": round(1e6 * statistics.median(cpu)),
        "wall_p90_us": round(1e6 * sorted(wall)[int(0.9 * (runs - 1))]),
    }


def main() -> list[dict[str, float]]:
    results = [
        asyncio.run(measure(200, ())),
        asyncio.run(measure(50, ("sshd", "nginx"))),
    ]
    for result in results:
        print(json.dumps({"local_sample": result}), flush=True)
    return results


if __name__ == "__main__":
    main()
