"""Recent changes (a deploy, a config edit, a reboot): the first thing to suspect when
something breaks. Pure: the store keeps them, the screens and postmortems show those near an
incident."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.model import Incident
from onwatch.incidents.timefmt import from_iso, require_aware, to_iso

BEFORE = timedelta(hours=2)
"""How long before an incident opened a change still counts as near it."""
MAX_TEXT = 1000
MAX_NAME = 200
REBOOT_TEXT = "host rebooted"
BOOT_TOLERANCE = 5.0
"""Seconds a reported boot time may wander (clock adjustments) without being a reboot."""


@dataclass(frozen=True, slots=True)
class RecordedChange:
    id: int
    at: datetime
    text: str
    source: str
    """What changed: a host, a service; "" when not said."""
    by: str


def new_change(change_id: int, text: str, *, at: datetime, source: str, by: str) -> RecordedChange:
    require_aware(at)
    words = " ".join(text.split())
    if not words:
        raise InvalidInput("a change needs some text")
    if len(words) > MAX_TEXT:
        raise InvalidInput(f"a change is at most {MAX_TEXT} characters")
    source, by = source.strip(), by.strip()
    if len(source) > MAX_NAME or len(by) > MAX_NAME:
        raise InvalidInput(f"a source or a name is at most {MAX_NAME} characters")
    return RecordedChange(change_id, at, words, source, by)


def near(
    changes: Iterable[RecordedChange], incident: Incident, now: datetime
) -> list[RecordedChange]:
    """The changes from `BEFORE` ahead of its opening until it resolved (or now), nearest to
    the opening first."""
    start = incident.created_at - BEFORE
    end = incident.resolved_at or incident.closed_at or now
    found = [c for c in changes if start <= c.at <= end]
    return sorted(found, key=lambda c: (abs(c.at - incident.created_at), c.id))


def rebooted(last_boot: float | None, boot: float) -> bool:
    """Whether the boot time moved since it was last seen (never on the first sighting)."""
    return last_boot is not None and abs(boot - last_boot) > BOOT_TOLERANCE


def change_to_dict(change: RecordedChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "at": to_iso(change.at),
        "text": change.text,
        "source": change.source,
        "by": change.by,
    }


def change_from_dict(data: dict[str, Any]) -> RecordedChange:
    """The inverse of `change_to_dict`; raises KeyError/ValueError/TypeError on a bad record."""
    return RecordedChange(
        id=int(data["id"]),
        at=from_iso(str(data["at"])),
        text=str(data["text"]),
        source=str(data.get("source", "")),
        by=str(data.get("by", "")),
    )
