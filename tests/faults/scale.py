"""How hard the fault tests push: reduced in `make test`, the full counts under `make soak`
(ONWATCH_FAULT_SCALE=full)."""

from __future__ import annotations

import os

FULL = os.environ.get("ONWATCH_FAULT_SCALE", "") == "full"


def scaled(quick: int, soak: int) -> int:
    return soak if FULL else quick
