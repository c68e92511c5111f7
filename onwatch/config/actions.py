"""`actions = [{ on = "critical", run = [...], timeout = "30s" }]` on a check or `[defaults]`:
commands the engine runs when one of the check's incidents opens, escalates or resolves."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.problems import INVALID, Context
from onwatch.config.schema import Choice, Duration, Flag, Kind, Text
from onwatch.config.tables import Field, Seq, Table, default_of
from onwatch.engine.specs import ACTION_EVENTS, Action, Watch
from onwatch.incidents.timefmt import exact_duration

MAX_TIMEOUT = timedelta(minutes=10)

ACTION = Table(
    {
        "on": Field(Choice(ACTION_EVENTS), required=True),
        "run": Field(Seq(Text(), min_items=1), required=True),
        "timeout": Field(
            Duration(timedelta(0), MAX_TIMEOUT, low_open=True),
            default=default_of(Action, "timeout"),
        ),
        "shell": Field(Flag(), default=False),
        "drill": Field(Flag(), default=False),
    }
)


class Actions(Kind):
    """An array of action tables, converted to `Action`s (the wrong ones left out)."""

    expected = "an array of action tables"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list)

    def convert(self, value: list[Any], path: KeyPath, ctx: Context) -> Any:
        actions = []
        for index, item in enumerate(value):
            checked = ACTION.check(item, (*path, index), ctx)
            if checked is INVALID or not {"on", "run"} <= checked.keys():
                continue
            if len(checked["run"]) != len(item.get("run", ())):
                continue  # an item of `run` was reported
            actions.append(Action(**checked))
        return tuple(actions)


ACTIONS = Actions()


def missing_executable(action: Action, env: dict[str, str] | None = None) -> str | None:
    """The program an action names when it cannot be found (the shell for `shell = true`)."""
    program = "/bin/sh" if action.shell else action.run[0]
    path = (env or os.environ).get("PATH")
    if os.sep in program:
        return None if os.access(program, os.X_OK) else program
    return None if shutil.which(program, path=path) else program


def describe_actions(watch: Watch) -> list[str]:
    """`check-config` lines: what runs when, and whether its program can be found."""
    lines = []
    for action in watch.actions:
        command = " ".join(action.run)
        extras = [f"timeout {exact_duration(action.timeout)}"]
        if action.shell:
            extras.append("shell")
        if action.drill:
            extras.append("also for drills")
        line = f"  action on {action.on}: {command} ({', '.join(extras)})"
        missing = missing_executable(action)
        if missing:
            line += f"; MISSING executable {missing}"
        lines.append(line)
    return lines
