"""Config files -> `Config`: locate, read, parse, substitute `${VAR}`s, build every section.

Two formats: TOML (the real one) and the seed JSON the project started with. Either way the
whole file is checked in one pass and every problem is reported with file, line and key, so a
typo costs one edit, not one run per mistake. No config at all is fine: onwatch then watches
this host with built-in thresholds.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from onwatch.config.document import build_document
from onwatch.config.env import substitute
from onwatch.config.files import locate_config, read_config
from onwatch.config.locate import locate_json, locate_toml
from onwatch.config.model import BUILT_IN, Config, Draft
from onwatch.config.problems import ConfigError, Context, Problem
from onwatch.config.seed import build_seed

_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")


def load_config(explicit: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Locate, read and parse the config; ConfigError is the only exception it raises.

    Variables the environment does not set are no error here: the Config lists them in
    `unresolved`, and `Config.resolved` refuses for the commands that need them.
    """
    env = os.environ if env is None else env
    path = locate_config(explicit, env)
    if path is None:
        return default_config(env)
    return parse_config(read_config(path), str(path), env)


def parse_config(text: str, file: str, env: Mapping[str, str]) -> Config:
    """TOML, or the seed JSON when the text starts with "{" or the file name ends in .json."""
    try:
        return _parse(text, file, env)
    except RecursionError:
        # Parsers, locator and validators all recurse into nested arrays and tables.
        raise ConfigError([Problem(file, None, "", "values are nested too deeply")]) from None


def _parse(text: str, file: str, env: Mapping[str, str]) -> Config:
    is_json = text.lstrip().startswith("{") or file.lower().endswith(".json")
    raw = _parse_json(text, file) if is_json else _parse_toml(text, file)
    ctx = Context(file, lambda: locate_json(text) if is_json else locate_toml(text), json=is_json)
    raw = substitute(raw, (), env, ctx)
    draft = Draft(file, env)
    if is_json:
        build_seed(raw, draft, ctx)
    else:
        build_document(raw, draft, ctx)
    if ctx.errors:
        # Unset variables too: one list of everything to fix, in file order.
        raise ConfigError(ctx.problems, ctx.warnings)
    return draft.freeze(Path(file), ctx)


def _parse_toml(text: str, file: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        found = _AT_LINE.search(message)
        if found:
            line = int(found.group(1))
            message = f"{message[: found.start()]} (column {found.group(2)})"
        elif _AT_END.search(message):
            line = text.count("\n") + 1
            message = _AT_END.sub(" (at the end of the file)", message)
        raise ConfigError([Problem(file, line, "", f"invalid TOML: {message}")]) from None


def _parse_json(text: str, file: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem(file, exc.lineno, "", f"invalid JSON: {exc.msg} (column {exc.colno})")
        raise ConfigError([problem]) from None


def default_config(env: Mapping[str, str] | None = None) -> Config:
    """No config file: watch this host with the built-in thresholds."""
    env = os.environ if env is None else env
    draft = Draft(BUILT_IN, env)
    build_document({}, draft, Context(BUILT_IN))
    return draft.freeze(None, Context(BUILT_IN))
