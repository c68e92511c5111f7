"""What to go through on every incident: the troubleshooting defaults, the check's own items
from config and its runbook. Ticks are kept on the incident by item text, so an item ticked
before the config changed stays ticked (and stays listed) however the list is reordered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.lifecycle import append_entry
from onwatch.incidents.model import EntryKind, Incident, Tick

DEFAULT_ITEMS = (
    "Verify the monitoring is working",
    "Check recent changes",
    "Perform health checks on the affected component",
)
MAX_ITEM = 200


@dataclass(frozen=True, slots=True)
class Guide:
    """What a check's config adds to the defaults: `checklist = [...]` and its `runbook`."""

    items: tuple[str, ...] = ()
    runbook: str | None = None

    def texts(self) -> tuple[str, ...]:
        """The items in the order shown: the defaults, the check's items, then the runbook."""
        extra = (f"Follow the runbook: {self.runbook}",) if self.runbook else ()
        return tuple(dict.fromkeys((*DEFAULT_ITEMS, *self.items, *extra)))


NO_GUIDE = Guide()


@dataclass(frozen=True, slots=True)
class Item:
    """One line of an incident's checklist, numbered from 1 in the order shown."""

    number: int
    text: str
    tick: Tick | None = None

    @property
    def done(self) -> bool:
        return self.tick is not None


def checklist(incident: Incident, guide: Guide = NO_GUIDE) -> list[Item]:
    """The incident's checklist: the guide's items, then items ticked that it no longer lists."""
    ticks = {tick.item: tick for tick in incident.checked}
    texts = list(guide.texts())
    texts.extend(item for item in ticks if item not in texts)
    return [Item(n, text, ticks.get(text)) for n, text in enumerate(texts, start=1)]


def tick(
    incident: Incident,
    number: int,
    guide: Guide = NO_GUIDE,
    *,
    by: str,
    at: datetime,
    undo: bool = False,
) -> Incident:
    """Tick item `number` (or untick it with `undo`); the timeline says who and when. Ticking a
    ticked item, or unticking one that is not, returns the incident unchanged."""
    items = checklist(incident, guide)
    if not 1 <= number <= len(items):
        raise InvalidInput(
            f"incident {incident.id} has checklist items 1 to {len(items)}, not {number}"
        )
    item = items[number - 1]
    if item.done != undo:
        return incident
    if undo:
        kept = tuple(t for t in incident.checked if t.item != item.text)
        return append_entry(incident, at, EntryKind.UNCHECKED, by, item.text, checked=kept)
    ticked = (*incident.checked, Tick(item.text, by, at))
    return append_entry(incident, at, EntryKind.CHECKED, by, item.text, checked=ticked)


def guides(
    checklists: Mapping[str, Sequence[str]], runbooks: Mapping[str, str]
) -> dict[str, Guide]:
    """Check name -> its guide, from a config's checklists and runbooks."""
    names = dict.fromkeys((*checklists, *runbooks))
    return {
        name: Guide(tuple(checklists.get(name, ())), runbooks.get(name) or None) for name in names
    }
