"""`[alertmanager]`: the Alertmanager where onwatch silences the alerts people acknowledged.

    [alertmanager]
    url = "http://alertmanager:9093"
    token = "${ALERTMANAGER_TOKEN}"     # bearer; or username + password for basic auth
    poll = "30s"                        # how often to ask whether silenced alerts still fire

Alerts come in through `onwatch serve`'s `POST /v1/alertmanager` whatever this says; this
section is only for the way back.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from onwatch.config.checks import http_url
from onwatch.config.locate import KeyPath
from onwatch.config.model import Config, Draft, Section
from onwatch.config.problems import Context
from onwatch.config.schema import Duration, Number, Text
from onwatch.config.tables import Field, Table
from onwatch.incidents.timefmt import exact_duration
from onwatch.notify.alertmanager_target import DEFAULT_POLL, DEFAULT_TIMEOUT, AlertmanagerTarget


def _url_problem(text: str) -> str | None:
    wrong = http_url(text)
    if wrong:
        return wrong
    if urlsplit(text.strip()).username is not None:
        return "put credentials in username and password (or token), not in the URL"
    return None


ALERTMANAGER = Table(
    {
        "url": Field(Text(validate=_url_problem), required=True),
        "username": Text(),
        "password": Text(allow_empty=True),
        "token": Text(),
        "poll": Duration(timedelta(seconds=1), timedelta(hours=1)),
        "timeout": Number(0.1, 60),
    }
)


def build_alertmanager(values: dict[str, Any], path: KeyPath, draft: Draft, ctx: Context) -> None:
    if "token" in values and "username" in values:
        ctx.error((*path, "token"), "use either token or username and password, not both")
        return
    if "password" in values and "username" not in values:
        ctx.error((*path, "password"), "a password needs a username")
        return
    if ctx.failed_under(path) or "url" not in values:
        return
    draft.alertmanager = AlertmanagerTarget(
        url=values["url"].strip(),
        username=values.get("username", "").strip(),
        password=values.get("password", ""),
        token=values.get("token", "").strip(),
        poll=values.get("poll", DEFAULT_POLL),
        timeout=float(values.get("timeout", DEFAULT_TIMEOUT)),
    )


def summarize_alertmanager(config: Config) -> list[str]:
    target = config.alertmanager
    if target is None:
        return []
    auth = "bearer token" if target.token else "basic auth" if target.username else "no auth"
    return [
        f"alertmanager: silences at {target.url} ({auth}), polled every {exact_duration(target.poll)}"
    ]


SECTION = Section("alertmanager", ALERTMANAGER, build_alertmanager)
