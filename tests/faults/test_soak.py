"""The soak (bench/soak.py): checks flapping at random on an injected clock. `make test` runs a
simulated hour with 200 checks; `make soak` (ONWATCH_FAULT_SCALE=full) 24 hours with 500, and
holds memory flat within 10% between the first hour, the middle and the end."""

from __future__ import annotations

from pathlib import Path

from bench.soak import soak
from onwatch.store import IncidentStore
from tests.faults.scale import FULL

HOURS, CHECKS = (24.0, 500) if FULL else (1.0, 200)
LIVE_BYTES_PER_CHECK = 8 * 1024
"""The live file holds at most one unclosed incident per check, each with a short timeline."""


def test_a_day_of_flapping_checks_keeps_memory_flat_ids_unique_and_nothing_lost(
    tmp_path: Path,
) -> None:
    result = soak(HOURS, CHECKS, folder=tmp_path)
    print(result.figures())  # the README's figures come from `make soak`
    assert result.samples == int(HOURS * 60) * CHECKS
    assert result.incidents > CHECKS // 4, "the checks hardly flapped: the soak proved nothing"
    assert result.duplicate_ids == 0
    assert result.lost == 0
    assert result.open + result.archived == result.incidents
    store = IncidentStore(tmp_path / "incidents.json")
    assert len(store.unclosed()) == result.open <= CHECKS
    assert max(result.live_bytes) <= CHECKS * LIVE_BYTES_PER_CHECK
    if FULL:
        assert result.archived > 0
        assert result.rss_spread <= 0.10, result.rss_mib
        half = len(result.live_bytes) // 2
        assert max(result.live_bytes[half:]) <= 1.5 * max(result.live_bytes[:half])
