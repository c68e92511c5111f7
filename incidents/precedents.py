"""What fixed it last time: earlier closed incidents like this one, with how they ended.

Same fingerprint first (the same series broke again); then, to fill up, the incidents of the
same source whose titles share the most words with this one (token overlap, Jaccard). The
search takes candidates one at a time, so a store can feed it month by month and stop early.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from onwatch.incidents.model import SYSTEM_ACTOR, EntryKind, Incident, State

LIMIT = 3
MIN_SIMILARITY = 0.25
"""Below this share of words in common, a title is not "similar": better nothing than noise."""
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^\d+$")


def tokens(title: str) -> frozenset[str]:
    """The words of a title, lower-cased; bare numbers (a value seen) say nothing of the kind."""
    return frozenset(w for w in _WORD.findall(title.casefold()) if not _NUMBER.match(w))


def similarity(a: str, b: str) -> float:
    """Words in common over words in either: 1.0 for the same words, 0.0 for none shared."""
    left, right = tokens(a), tokens(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True, slots=True)
class Precedent:
    """One earlier incident as the screen, `show --json` and the postmortem list it."""

    id: int
    title: str
    opened_at: datetime
    lasted: timedelta | None
    """From opening to resolution (or closure)."""
    resolution: str
    """What the person who resolved or closed it wrote."""
    root_cause: str
    same_fingerprint: bool


def resolution_note(incident: Incident) -> str:
    """The last note written when it was resolved or closed by a person."""
    for entry in reversed(incident.timeline):
        # The system's "recovered" note on a resolve says nothing of what fixed it.
        by_a_person = entry.by != SYSTEM_ACTOR or entry.kind == EntryKind.CLOSED
        if entry.kind in (EntryKind.CLOSED, EntryKind.RESOLVED) and entry.note and by_a_person:
            return entry.note
    return ""


def precedent(incident: Incident, *, same_fingerprint: bool) -> Precedent:
    ended = incident.resolved_at or incident.closed_at
    return Precedent(
        id=incident.id,
        title=incident.title,
        opened_at=incident.created_at,
        lasted=None if ended is None else ended - incident.created_at,
        resolution=resolution_note(incident),
        root_cause=incident.root_cause,
        same_fingerprint=same_fingerprint,
    )


class Search:
    """Offer candidates (newest first, as an archive is read); `full` says when to stop."""

    def __init__(self, incident: Incident, limit: int = LIMIT) -> None:
        self.incident = incident
        self.limit = limit
        self._same: list[Incident] = []
        self._alike: list[tuple[float, Incident]] = []

    @property
    def full(self) -> bool:
        return len(self._same) >= self.limit

    def wants(self, fingerprint: str, source: str) -> bool:
        """Whether a record is worth decoding at all: its series or its source match."""
        return fingerprint == self.incident.fingerprint or source == self.incident.source

    def offer(self, candidate: Incident) -> None:
        target = self.incident
        if candidate.id == target.id or candidate.state is not State.CLOSED:
            return
        if candidate.created_at > target.created_at:
            return  # "last time" is before this one
        if candidate.fingerprint == target.fingerprint:
            if not self.full:
                self._same.append(candidate)
            return
        if candidate.source != target.source:
            return
        score = similarity(candidate.title, target.title)
        if score >= MIN_SIMILARITY:
            self._alike.append((score, candidate))
            # Best first; on a tie the newer (offered earlier) stays ahead: sort is stable.
            self._alike.sort(key=lambda pair: -pair[0])
            del self._alike[self.limit :]

    def result(self) -> list[Precedent]:
        same = sorted(self._same, key=lambda i: i.created_at, reverse=True)[: self.limit]
        found = [precedent(i, same_fingerprint=True) for i in same]
        for _, incident in self._alike[: self.limit - len(found)]:
            found.append(precedent(incident, same_fingerprint=False))
        return found
