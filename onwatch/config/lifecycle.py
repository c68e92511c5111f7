"""`[lifecycle]`: what closing an incident takes.

[lifecycle]
resolution_required = true   # closing needs a note saying what fixed it
"""

from __future__ import annotations

from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.problems import Context
from onwatch.config.schema import Flag
from onwatch.config.tables import Table

LIFECYCLE = Table({"resolution_required": Flag()})


def build_lifecycle(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    draft.resolution_required = values.get("resolution_required", draft.resolution_required)


def summarize_lifecycle(config: Config) -> list[str]:
    return ["lifecycle: closing needs a resolution"] if config.resolution_required else []


SECTION = Section("lifecycle", LIFECYCLE, build_lifecycle)
