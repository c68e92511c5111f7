"""Threshold tables in a config file -> `incidents.rules.Threshold`, merged over built-ins.

A table given in the file is laid over the built-in rule for that metric, so writing
`cpu = { critical = 90 }` keeps the built-in warning and `for`. When a built-in level clashes
with a level the user wrote (built-in warning 70 with a new critical 60), the user's level wins
and the built-in one is dropped with a warning; a clash between two levels the user wrote is an
error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.problems import Context, show_number
from onwatch.config.schema import Duration, Number
from onwatch.config.tables import Table
from onwatch.incidents.model import Category
from onwatch.incidents.rules import Threshold
from onwatch.incidents.timefmt import exact_duration

FOR = Duration(timedelta(0), timedelta(days=1))

_LEVELS = ("warning", "critical", "clear")


@dataclass(frozen=True)
class Measure:
    """How a metric's levels are written and shown: `80%`, `1.5`, `500ms`, `21d`."""

    unit: str
    category: Category = Category.RESOURCE
    below: bool = False

    def show(self, value: float) -> str:
        if self.unit == "s":
            return exact_duration(timedelta(seconds=value))
        if self.unit == "d":
            return exact_duration(timedelta(days=value))
        return f"{show_number(value)}{self.unit}"


PERCENT = Measure("%")
LOAD = Measure("")
LATENCY = Measure("s", Category.LATENCY)
CERT_DAYS = Measure("d", Category.CERTIFICATE, below=True)


def number_levels(low: float, high: float | None = None, *, low_open: bool = False) -> Table:
    level = Number(low, high, low_open=low_open)
    return Table({"warning": level, "critical": level, "clear": level, "for": FOR})


def duration_levels(*, with_for: bool, low_open: bool) -> Table:
    level = Duration(timedelta(0), low_open=low_open)
    fields = {"warning": level, "critical": level}
    if with_for:
        fields |= {"clear": level, "for": FOR}
    return Table(fields)


def seconds(levels: Mapping[str, Any], per: timedelta = timedelta(seconds=1)) -> dict[str, Any]:
    """Duration-valued levels as plain numbers of `per` (seconds, days); `for` stays as it is."""
    return {
        key: value / per if key in _LEVELS and isinstance(value, timedelta) else value
        for key, value in levels.items()
    }


def build_threshold(
    given: Mapping[str, Any],
    path: KeyPath,
    ctx: Context,
    measure: Measure,
    default: Threshold | None = None,
    at: Callable[[str], KeyPath] | None = None,
) -> Threshold | None:
    """The merged rule, or None after reporting why it cannot be built.

    `at` maps a level name to the key path a message about it should point at (the seed JSON
    has one key per threshold, not a table).
    """
    where = at or (lambda name: (*path, name))
    levels: dict[str, float | None] = {"warning": None, "critical": None, "clear": None}
    user: set[str] = set()
    if default is not None:
        levels.update(warning=default.warning, critical=default.critical, clear=default.clear)
    for name in _LEVELS:
        if name in given:
            levels[name] = given[name]
            user.add(name)
    for_ = given.get("for", default.for_ if default is not None else timedelta(0))

    warning, critical = levels["warning"], levels["critical"]
    if warning is not None and critical is not None and not _ordered(measure, warning, critical):
        side = "above" if measure.below else "below"
        if "warning" in user and "critical" in user:
            ctx.error(
                where("warning"),
                f"warning {measure.show(warning)} must be {side} critical {measure.show(critical)}",
            )
            return None
        if "critical" in user:
            message = f"built-in warning {measure.show(warning)} dropped: it is not {side} "
            ctx.warn(where("critical"), message + f"critical {measure.show(critical)}")
            levels["warning"] = None
        else:
            other = "below" if measure.below else "above"
            message = f"built-in critical {measure.show(critical)} dropped: it is not {other} "
            ctx.warn(where("warning"), message + f"warning {measure.show(warning)}")
            levels["critical"] = None
    if levels["warning"] is None and levels["critical"] is None:
        ctx.error(path, "needs a warning or a critical level")
        return None

    clear = levels["clear"]
    first = "warning" if levels["warning"] is not None else "critical"
    first_level = levels[first]
    if clear is not None and first_level is not None and not _ordered(measure, clear, first_level):
        side = "above" if measure.below else "below"
        ctx.error(
            where("clear"),
            f"clear {measure.show(clear)} must be {side} the {first} level "
            f"{measure.show(first_level)}",
        )
        return None
    try:
        return Threshold(
            warning=levels["warning"],
            critical=levels["critical"],
            for_=for_,
            clear=clear,
            below=measure.below,
            category=measure.category,
            unit=measure.unit,
        )
    except ValueError as exc:  # our checks above should catch everything; never a traceback
        ctx.error(path, str(exc))
        return None


def _ordered(measure: Measure, safer: float, worse: float) -> bool:
    """Whether `worse` lies strictly further on the bad side than `safer`."""
    return worse < safer if measure.below else worse > safer


def describe_threshold(rule: Threshold) -> str:
    """`warning 70% critical 80% for 30s`, as summaries show a rule."""
    measure = Measure(rule.unit, rule.category, rule.below)
    parts = [
        f"{name} {measure.show(level)}"
        for name, level in (("warning", rule.warning), ("critical", rule.critical))
        if level is not None
    ]
    if rule.for_:
        parts.append(f"for {exact_duration(rule.for_)}")
    if rule.clear is not None:
        parts.append(f"clear {measure.show(rule.clear)}")
    return " ".join(parts)
