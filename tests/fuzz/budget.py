"""How hard the fuzz tests try: a fixed, derandomized few in `make test`, many under
`make fuzz` (ONWATCH_FUZZ_EXAMPLES=N, random each run)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("ONWATCH_FUZZ_EXAMPLES", "0") or 0)


def fuzz(quick: int) -> settings:
    """`quick` examples in `make test`, derandomized so a failure there is reproducible."""
    return settings(
        max_examples=EXAMPLES or quick,
        derandomize=not EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
