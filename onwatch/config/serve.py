"""`[serve]`: where `onwatch serve` listens, and the tokens that may use its HTTP API.

    [serve]
    listen = "127.0.0.1:8765"
    [[serve.tokens]]
    name = "dana"            # the timeline names her for what she does through the API
    role = "operator"        # operator | viewer | reporter (/report only) | alertmanager (its webhook)
    token = "${DANA_TOKEN}"  # from the environment: a token in the file is a token in git

A token whose variable is unset is left out, and `onwatch serve` refuses to start naming it.
"""

from __future__ import annotations

from typing import Any

from onwatch.collectors.listen import parse_listen
from onwatch.config.locate import KeyPath
from onwatch.config.model import ApiToken, Config, Draft, Section, ServeSettings
from onwatch.config.problems import Context, format_key
from onwatch.config.schema import Choice, Text
from onwatch.config.tables import Field, Table, TableArray

DEFAULT_LISTEN = "127.0.0.1:8765"
ROLES = ("operator", "viewer", "reporter", "alertmanager")


def _listen_problem(text: str) -> str | None:
    try:
        parse_listen(text.strip())
    except ValueError as exc:
        return str(exc).replace("--listen", "listen")
    return None


TOKEN = Table(
    {
        "name": Field(Text(), required=True),
        "role": Field(Choice(ROLES), required=True),
        "token": Field(Text(), required=True),
    }
)

SERVE = Table({"listen": Text(validate=_listen_problem), "tokens": TableArray(TOKEN)})


def build_serve(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    tokens: list[ApiToken] = []
    first_at: dict[str, KeyPath] = {}
    for index, entry in enumerate(values.get("tokens", ())):
        where = (*path, "tokens", index)
        name = entry.get("name")
        if name is not None:
            name = name.strip()
            # The name is who the timeline says acted: two holders of one name are one person.
            if name in first_at:
                line = ctx.locator.line(first_at[name])
                seen = format_key(first_at[name]) + (f", line {line}" if line else "")
                ctx.error((*where, "name"), f'duplicate token name "{name}" (first used at {seen})')
                continue
            first_at[name] = (*where, "name")
        if ctx.failed_under(where) or name is None:
            continue
        tokens.append(ApiToken(name=name, role=entry["role"], token=entry["token"].strip()))
    listen = values.get("listen")
    draft.serve = ServeSettings(listen=listen.strip() if listen else None, tokens=tuple(tokens))


def summarize_serve(config: Config) -> list[str]:
    serve = config.serve
    if serve.listen is None and not serve.tokens:
        return []
    # Who holds a token and what they may do, never the token.
    holders = ", ".join(f"{t.name} ({t.role})" for t in serve.tokens) or "none"
    return [f"serve: listen {serve.listen or DEFAULT_LISTEN}, tokens: {holders}"]


SECTION = Section("serve", SERVE, build_serve)
