"""What an incident is read with beyond its own record: its checklist, the changes near it and
what fixed it last time. One shape for the console, `show --json`, the HTTP API and the
postmortem, with its JSON form here so the server and its clients agree on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from onwatch.incidents.changes import RecordedChange, change_from_dict, change_to_dict
from onwatch.incidents.checklist import Item
from onwatch.incidents.model import Tick
from onwatch.incidents.precedents import Precedent
from onwatch.incidents.timefmt import from_iso, to_iso


@dataclass(frozen=True, slots=True)
class IncidentContext:
    checklist: tuple[Item, ...] = ()
    changes: tuple[RecordedChange, ...] = ()
    """Nearest to the opening first."""
    precedents: tuple[Precedent, ...] = ()
    """Up to three earlier closed incidents like it, the most alike first."""


def item_to_dict(item: Item) -> dict[str, Any]:
    tick = item.tick
    return {
        "number": item.number,
        "text": item.text,
        "done": tick is not None,
        "by": None if tick is None else tick.by,
        "at": None if tick is None else to_iso(tick.at),
    }


def item_from_dict(data: dict[str, Any]) -> Item:
    tick = None
    if data.get("done"):
        tick = Tick(str(data["text"]), str(data["by"]), from_iso(str(data["at"])))
    return Item(int(data["number"]), str(data["text"]), tick)


def precedent_to_dict(found: Precedent) -> dict[str, Any]:
    return {
        "id": found.id,
        "title": found.title,
        "opened_at": to_iso(found.opened_at),
        "lasted_seconds": None if found.lasted is None else found.lasted.total_seconds(),
        "resolution": found.resolution,
        "root_cause": found.root_cause,
        "same_fingerprint": found.same_fingerprint,
    }


def precedent_from_dict(data: dict[str, Any]) -> Precedent:
    lasted = data.get("lasted_seconds")
    return Precedent(
        id=int(data["id"]),
        title=str(data["title"]),
        opened_at=from_iso(str(data["opened_at"])),
        lasted=None if lasted is None else timedelta(seconds=float(lasted)),
        resolution=str(data.get("resolution", "")),
        root_cause=str(data.get("root_cause", "")),
        same_fingerprint=bool(data.get("same_fingerprint", False)),
    )


def context_to_dict(context: IncidentContext) -> dict[str, Any]:
    return {
        "checklist": [item_to_dict(i) for i in context.checklist],
        "changes": [change_to_dict(c) for c in context.changes],
        "similar": [precedent_to_dict(p) for p in context.precedents],
    }


def context_from_dict(data: dict[str, Any]) -> IncidentContext:
    """The inverse of `context_to_dict`; raises KeyError/ValueError/TypeError on a bad record."""
    parts = [data.get(key, []) for key in ("checklist", "changes", "similar")]
    if not all(isinstance(part, list) for part in parts):
        raise TypeError("checklist, changes and similar must be lists")
    checklist, changes, similar = parts
    return IncidentContext(
        checklist=tuple(item_from_dict(i) for i in checklist),
        changes=tuple(change_from_dict(c) for c in changes),
        precedents=tuple(precedent_from_dict(p) for p in similar),
    )
