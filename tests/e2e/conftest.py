from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def onwatch(tmp_path: Path) -> Run:
    """Run `python -m onwatch ...` in a real subprocess with a private db and no user config."""
    env = {
        **os.environ,
        "ONWATCH_DB": str(tmp_path / "db" / "incidents.json"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "USER": "dana",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("ONWATCH_CONFIG", None)

    def run(*args: str, extra_env: dict[str, str] | None = None, timeout: float = 60) -> Result:
        completed = subprocess.run(
            [sys.executable, "-m", "onwatch", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**env, **(extra_env or {})},
            cwd=tmp_path,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    return run
