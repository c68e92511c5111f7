from __future__ import annotations

from pathlib import Path

import pytest

from onwatch.config import ConfigError, parse_config

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed-config.json"
FILE = "onwatch.toml"


def problems(text: str, env: dict[str, str] | None = None, file: str = FILE) -> list[str]:
    """The error lines a config produces, as check-config would print them (unset variables
    included: commands that run the engine refuse them too)."""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, file, env or {}).resolved()
    return [str(problem) for problem in caught.value.problems]
