"""`${VAR}` in config strings, filled in from the environment before anything is validated.

Secrets (webhook URLs, tokens in headers) then stay out of the file. `$${` is a literal `${`.
A variable this environment does not set is recorded as unset, not as an error: the thing it
belongs to is left out, and only a command that needs it refuses (`Config.resolved`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from onwatch.config.locate import KeyPath
from onwatch.config.problems import INVALID, Context

_TOKEN = re.compile(r"\$\$\{|\$\{(?P<name>[^}]*)\}|\$\{")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def substitute(value: Any, path: KeyPath, env: Mapping[str, str], ctx: Context) -> Any:
    """A copy of `value` with every string expanded; strings that cannot be become INVALID."""
    if isinstance(value, str):
        return _expand(value, path, env, ctx)
    if isinstance(value, dict):
        return {key: substitute(item, (*path, key), env, ctx) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, (*path, i), env, ctx) for i, item in enumerate(value)]
    return value


def _expand(text: str, path: KeyPath, env: Mapping[str, str], ctx: Context) -> Any:
    if "$" not in text:
        return text
    out: list[str] = []
    position = 0
    failed = False
    for match in _TOKEN.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        token = match.group()
        name = match.group("name")
        if token == "$${":
            out.append("${")
        elif name is None:
            ctx.error(path, "unclosed ${ (write $${ for a literal ${)")
            failed = True
        elif not _NAME.fullmatch(name):
            ctx.error(path, f"{quote_name(name)} is not an environment variable name")
            failed = True
        elif name not in env:
            ctx.unresolved(path, name)
            failed = True
        else:
            out.append(env[name])
    out.append(text[position:])
    return INVALID if failed else "".join(out)


def quote_name(name: str) -> str:
    return "${" + name + "}"
