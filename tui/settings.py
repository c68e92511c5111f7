"""What the console remembers between runs (the theme), in a small JSON file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs


def default_settings_path() -> Path:
    return platformdirs.user_state_path("onwatch") / "console.json"


@dataclass
class ConsoleSettings:
    theme: str = "textual-dark"


def load_settings(path: Path | None) -> ConsoleSettings:
    if path is None:
        return ConsoleSettings()
    try:
        data = json.loads(path.read_text())
        return ConsoleSettings(theme=str(data.get("theme", ConsoleSettings.theme)))
    except (OSError, ValueError, AttributeError):
        # A missing or damaged settings file only costs the remembered theme.
        return ConsoleSettings()


def save_settings(path: Path | None, settings: ConsoleSettings) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(asdict(settings)))
    temp.replace(path)
