"""What the server sends, checked before it is believed: every reader raises `ValueError` on a
record that is not what the API promises (it is remote data; a bad one is skipped, not trusted)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from onwatch.engine.api import SourceView, Unavailable, source_from_dict
from onwatch.incidents import Event, Incident, Sample
from onwatch.incidents.changes import RecordedChange, change_from_dict
from onwatch.incidents.codec import incident_from_dict, sample_from_dict
from onwatch.incidents.context import IncidentContext, context_from_dict
from onwatch.incidents.silences import Silence, silence_from_dict
from onwatch.incidents.timefmt import from_iso

T = TypeVar("T")


MAX_INCIDENTS = 200_000
"""The most incidents one listing may bring; a server sending more is broken or hostile."""


@dataclass(frozen=True, slots=True)
class Hello:
    name: str
    role: str
    statuses: tuple[str, ...]
    last_poll: datetime | None
    engine: str | None


def decode(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    except RecursionError:
        # A hostile server's `[[[[...` must cost a clear error, not the console.
        raise ValueError("JSON nested too deeply") from None


def shown_url(url: str) -> str:
    """A server's address as messages and the console show it: without any user or password
    written into it."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def check_progress(seen: set[int], page: list[Any], total: int) -> None:
    """Refuse a server whose pages never end: a repeated page, or more than anyone keeps."""
    ids = {item.get("id") for item in page if isinstance(item, dict)}
    if page and ids <= seen:
        raise ValueError("the server sent the same page of incidents again")
    if total > MAX_INCIDENTS:
        raise ValueError(f"more than {MAX_INCIDENTS} incidents in one answer")
    seen.update(i for i in ids if isinstance(i, int))


def _checked(read: Any, data: Any, what: str) -> Any:
    """`read(data)`, with the codec's KeyError/TypeError turned into one ValueError."""
    if not isinstance(data, dict):
        raise ValueError(f"{what} is not an object")
    try:
        return read(data)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ValueError(f"bad {what}: {type(exc).__name__}: {exc}") from None


def incident(data: Any) -> Incident:
    return _checked(incident_from_dict, data, "incident")


def incidents(data: Any) -> list[Incident]:
    if not isinstance(data, list):
        raise ValueError("incidents are not a list")
    return [incident(item) for item in data]


MAX_STATS_ROWS = 4000


def stats(data: Any) -> dict[str, Any]:
    """`GET /v1/stats`'s figures, every part the console shows checked for type and size."""
    if not isinstance(data, dict) or not _count(data.get("total")):
        raise ValueError("stats are not an object with a total")
    for key in ("by_severity", "by_category", "by_source"):
        counts = data.get(key)
        if not isinstance(counts, dict) or len(counts) > MAX_STATS_ROWS:
            raise ValueError(f"stats {key} is not an object of counts")
        if not all(isinstance(k, str) and _count(v) for k, v in counts.items()):
            raise ValueError(f"stats {key} is not an object of counts")
    for key in ("time_to_acknowledge", "time_to_resolve"):
        d = data.get(key)
        if not isinstance(d, dict) or not _count(d.get("count")):
            raise ValueError(f"stats {key} is not a duration summary")
        if not all(_seconds(d.get(k)) for k in ("median_s", "p90_s")):
            raise ValueError(f"stats {key} is not a duration summary")
    rows = {
        "noisiest_checks": ("source", "check"),
        "flapping_checks": ("source", "check"),
        "per_day": ("day",),
    }
    for key, texts in rows.items():
        items = data.get(key)
        if not isinstance(items, list) or len(items) > MAX_STATS_ROWS:
            raise ValueError(f"stats {key} is not a list")
        for item in items:
            if not isinstance(item, dict) or not all(isinstance(item.get(t), str) for t in texts):
                raise ValueError(f"stats {key} has a bad row")
            numbers = [v for k, v in item.items() if k not in texts]
            if not all(_count(v) for v in numbers):
                raise ValueError(f"stats {key} has a bad row")
    feedback = data.get("feedback")
    if not isinstance(feedback, dict) or not _count(feedback.get("count")):
        raise ValueError("stats feedback is not an object")
    if not _seconds(feedback.get("average")):
        raise ValueError("stats feedback average is not a number")
    return data


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _seconds(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def silence(data: Any) -> Silence:
    return _checked(silence_from_dict, data, "silence")


def silences(data: Any) -> list[Silence]:
    if not isinstance(data, list):
        raise ValueError("silences are not a list")
    return [silence(item) for item in data]


def context(data: Any) -> IncidentContext:
    """`GET /v1/incidents/{id}/context`: checklist, nearby changes, similar incidents."""
    return _checked(context_from_dict, data, "incident context")


def change(data: Any) -> RecordedChange:
    return _checked(change_from_dict, data, "change")


def changes(data: Any) -> list[RecordedChange]:
    if not isinstance(data, list):
        raise ValueError("changes are not a list")
    return [change(item) for item in data]


def markdown(data: Any) -> str:
    """`GET /v1/incidents/{id}/postmortem`: {"markdown": "..."}."""
    text = data.get("markdown") if isinstance(data, dict) else None
    if not isinstance(text, str):
        raise ValueError("a postmortem answer needs its markdown")
    return text


def role_names(data: Any) -> list[str]:
    """`GET /v1/roles`: the names, for a picker (members are the server's business here)."""
    if not isinstance(data, list):
        raise ValueError("roles are not a list")
    names = [item.get("name") if isinstance(item, dict) else None for item in data]
    if not all(isinstance(name, str) and name for name in names):
        raise ValueError("every role needs a name")
    return names


def sources(data: Any) -> list[SourceView]:
    if not isinstance(data, list):
        raise ValueError("sources are not a list")
    return [_checked(source_from_dict, item, "source") for item in data]


MAX_RUNBOOKS = 10_000
MAX_RUNBOOK_URL = 2000


def runbooks(data: Any) -> dict[str, str]:
    """`GET /v1/runbooks` as check name -> runbook (the checklists come with each incident's
    context); an entry of the wrong shape or size is a bad answer, not a guess."""
    if not isinstance(data, list) or len(data) > MAX_RUNBOOKS:
        raise ValueError("runbooks are not a list")
    found: dict[str, str] = {}
    for item in data:
        check = item.get("check") if isinstance(item, dict) else None
        runbook = item.get("runbook") if isinstance(item, dict) else None
        if not isinstance(check, str) or not (runbook is None or isinstance(runbook, str)):
            raise ValueError("a runbook needs a check name and a runbook or null")
        if runbook and len(runbook) <= MAX_RUNBOOK_URL:
            found[check] = runbook
    return found


def incident_event(data: Any) -> tuple[Event, Incident]:
    if not isinstance(data, dict):
        raise ValueError("incident event is not an object")
    try:
        event = Event(data.get("event"))
    except ValueError:
        raise ValueError(f"unknown incident event {data.get('event')!r}") from None
    return event, incident(data.get("incident"))


def samples_event(data: Any) -> tuple[str, list[Sample]]:
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        raise ValueError("samples event needs a source name")
    items = data.get("samples")
    if not isinstance(items, list):
        raise ValueError("samples are not a list")
    return data["source"], [_checked(sample_from_dict, item, "sample") for item in items]


def status_event(data: Any) -> tuple[str, str | None]:
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        raise ValueError("status event needs a key")
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        raise ValueError("status text is not a string")
    return data["key"], text


def hello(data: Any) -> Hello:
    if not isinstance(data, dict):
        raise ValueError("hello is not an object")
    name, role, engine = data.get("name"), data.get("role"), data.get("engine")
    statuses, last_poll = data.get("statuses") or [], data.get("last_poll")
    if not isinstance(name, str) or not name or not isinstance(role, str):
        raise ValueError("hello needs a name and a role")
    if not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses):
        raise ValueError("hello statuses are not a list of strings")
    if engine is not None and not isinstance(engine, str):
        raise ValueError("hello engine is not a string")
    if last_poll is not None:
        if not isinstance(last_poll, str):
            raise ValueError("hello last_poll is not a time")
        last_poll = from_iso(last_poll)
    return Hello(name, role, tuple(statuses), last_poll, engine)


def error_text(response_body: bytes, token: str) -> str:
    """The server's `{"error": ...}` as one short line, never carrying the token."""
    try:
        message = json.loads(response_body).get("error")
    except (ValueError, AttributeError):
        message = None
    if not isinstance(message, str) or not message.strip():
        return ""
    line = " ".join(message.split())[:300]
    return line.replace(token, "***") if token else line


def answer(read: Callable[[Any], T], data: Any, url: str) -> T:
    """`read(data)` for an answer to a request: a bad one means nothing can be relied on."""
    try:
        return read(data)
    except ValueError as exc:
        raise Unavailable(f"server {url} sent a bad answer: {exc}") from None
