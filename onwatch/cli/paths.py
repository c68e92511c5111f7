"""Where onwatch keeps its files when nobody says otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP = "onwatch"


def default_db_path() -> Path:
    return platformdirs.user_data_path(APP) / "incidents.json"


def resolve_db_path(explicit: str | None, env: Mapping[str, str], configured: Path | None) -> Path:
    """--db, else $ONWATCH_DB, else the config's `db`, else the user data directory."""
    if explicit:
        return Path(explicit).expanduser()
    if env.get("ONWATCH_DB"):
        return Path(env["ONWATCH_DB"]).expanduser()
    if configured is not None:
        return configured.expanduser()
    return default_db_path()
