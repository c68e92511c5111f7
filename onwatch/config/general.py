"""The top-level keys that are not checks: `operator`, `db` and `[defaults]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from onwatch.config.checks import SCHEDULE
from onwatch.config.files import expand_home
from onwatch.config.locate import KeyPath
from onwatch.config.model import BUILT_IN, Config, Draft, Section
from onwatch.config.predictions import FORECAST
from onwatch.config.problems import Context
from onwatch.config.schema import Text
from onwatch.config.tables import Table


def build_operator(value: str, path: KeyPath, draft: Draft, ctx: Context) -> None:
    draft.operator = value.strip()


def build_db(value: str, path: KeyPath, draft: Draft, ctx: Context) -> None:
    db = expand_home(value.strip(), draft.env)
    # Relative to the config file, so the same file works from any working directory.
    if not db.is_absolute() and draft.file != BUILT_IN:
        db = Path(draft.file).parent / db
    draft.db = db


def build_defaults(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    draft.interval = values.get("interval", draft.interval)
    draft.timeout = values.get("timeout", draft.timeout)
    if "forecast" in values:
        draft.forecast = values["forecast"]
    draft.actions = values.get("actions", draft.actions)


def summarize_general(config: Config) -> list[str]:
    return [
        f"operator: {config.operator}",
        f"db: {config.db}" if config.db else "db: default location",
    ]


OPERATOR = Section("operator", Text(), build_operator)
DB = Section("db", Text(), build_db)
# Before the checks: their intervals and timeouts default to these.
DEFAULTS = Section("defaults", Table({**SCHEDULE, "forecast": FORECAST}), build_defaults)
