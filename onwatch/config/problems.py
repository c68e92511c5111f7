"""Problems found in a config file and the context that collects them while it is checked."""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Final

from onwatch.config.locate import KeyPath, Locator

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Problem:
    """One config error or warning, printed as `FILE:LINE: key: message`."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True)
class Unresolved(Problem):
    """A `${VAR}` this environment does not set: fatal only to a command that needs its key."""

    path: KeyPath = ()
    variable: str = ""

    def under(self, section: str) -> bool:
        return bool(self.path) and self.path[0] == section


class ConfigError(Exception):
    """The config cannot be used; `problems` lists every error found, in file order."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        self.warnings: list[Problem] = list(warnings)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class _Invalid:
    """Stands in for a value already reported as wrong, so nothing complains about it twice."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()


def format_key(path: KeyPath) -> str:
    """("http", 1, "url") -> "http[1].url"; keys that are not bare words are quoted."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        shown = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
        text += f".{shown}" if text else shown
    return text


def quote(text: str, limit: int = 40) -> str:
    if len(text) > limit:
        text = text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return json.dumps(text, ensure_ascii=False)


def show_number(value: float) -> str:
    return f"{value:g}"


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` most likely misspells, case aside."""
    by_case = {choice.lower(): choice for choice in sorted(known)}
    close = difflib.get_close_matches(name.lower(), list(by_case), n=1, cutoff=0.6)
    return by_case[close[0]] if close else None


def without_subject(message: str, subject: str) -> str:
    """A domain message without the object it names: the problem's key already does."""
    if message.startswith(subject):
        return message[len(subject) :].lstrip(": ")
    return message


class Context:
    """Collects errors and warnings while a file is checked; knows where keys are."""

    def __init__(
        self,
        file: str,
        locator: Locator | Callable[[], Locator] | None = None,
        *,
        json: bool = False,
    ) -> None:
        self.file = file
        # A callable is scanned only when a problem needs its line: a valid file of a thousand
        # checks is never scanned (the scan costs twice the TOML parse).
        self._locator = locator or Locator()
        self.json = json
        self._errors: list[tuple[KeyPath, Problem]] = []
        self.warnings: list[Problem] = []

    @property
    def locator(self) -> Locator:
        if not isinstance(self._locator, Locator):
            self._locator = self._locator()
        return self._locator

    def problem(self, path: KeyPath, message: str, key: str | None = None) -> Problem:
        shown = format_key(path) if key is None else key
        return Problem(self.file, self.locator.line(path), shown, message)

    def error(self, path: KeyPath, message: str, key: str | None = None) -> None:
        self._errors.append((path, self.problem(path, message, key)))

    def unresolved(self, path: KeyPath, variable: str) -> None:
        message = f"environment variable {variable} is not set"
        line = self.locator.line(path)
        unset = Unresolved(self.file, line, format_key(path), message, path, variable)
        self._errors.append((path, unset))

    def warn(self, path: KeyPath, message: str, key: str | None = None) -> None:
        self.warnings.append(self.problem(path, message, key))

    @property
    def problems(self) -> list[Problem]:
        """Errors and unset variables, in file order."""
        # The sort is stable, so one line's problems keep the order they were found in.
        problems = [problem for _, problem in self._errors]
        return sorted(problems, key=lambda p: p.line if p.line is not None else math.inf)

    @property
    def errors(self) -> list[Problem]:
        """What makes the file unusable whatever the environment."""
        return [problem for problem in self.problems if not isinstance(problem, Unresolved)]

    @property
    def unset(self) -> list[Unresolved]:
        return [problem for problem in self.problems if isinstance(problem, Unresolved)]

    def failed_under(self, path: KeyPath) -> bool:
        """Whether anything at or below `path` was wrong or unset (then building from it is
        pointless: the thing it describes is left out)."""
        return any(found[: len(path)] == path for found, _ in self._errors)

    def describe(self, value: Any) -> str:
        """A found value as an error message shows it: `string "80"`, `30`, `boolean true`."""
        if isinstance(value, bool):
            return f"boolean {'true' if value else 'false'}"
        if isinstance(value, int | float):
            return repr(value)
        if isinstance(value, str):
            return f"string {quote(value)}"
        if isinstance(value, dict):
            return "an object" if self.json else "a table"
        if isinstance(value, list):
            return "an array"
        if value is None:
            return "null"
        if isinstance(value, date | time):
            return f"date-time {value.isoformat()}"
        return type(value).__name__
