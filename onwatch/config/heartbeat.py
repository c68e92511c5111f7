"""`[heartbeat]`: a URL the engine calls every interval while onwatch is healthy, so an outside
dead man's switch notices when onwatch dies or wedges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from onwatch.config.checks import URL
from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.problems import Context
from onwatch.config.schema import Duration
from onwatch.config.tables import Field, Table, default_of
from onwatch.engine.specs import HeartbeatSpec
from onwatch.incidents.timefmt import exact_duration

HEARTBEAT = Table(
    {
        "url": URL,
        "interval": Field(
            Duration(timedelta(seconds=1), timedelta(days=1)),
            default=default_of(HeartbeatSpec, "interval"),
        ),
    }
)


def build_heartbeat(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    if "url" in values:
        draft.heartbeat = HeartbeatSpec(values["url"].strip(), values["interval"])


def summarize_heartbeat(config: Config) -> list[str]:
    if config.heartbeat is None:
        return []
    # The URL usually carries the switch's token: only its interval is shown.
    return [f"heartbeat: every {exact_duration(config.heartbeat.interval)} while healthy"]


SECTION = Section("heartbeat", HEARTBEAT, build_heartbeat)
