"""The post-incident review: what caused it and what will be done so it does not happen again.

Pure, like `incidents.lifecycle`: a new incident comes back with the review fields set and one
timeline entry saying what was recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.lifecycle import append_entry
from onwatch.incidents.model import EntryKind, Incident

MAX_ROOT_CAUSE = 4000
MAX_ACTION = 1000
MAX_ACTIONS = 100


def review(
    incident: Incident,
    *,
    root_cause: str | None = None,
    actions: Sequence[str] = (),
    by: str,
    at: datetime,
) -> Incident:
    """Set the root cause (when given: it replaces the one before) and append action items."""
    cause = None if root_cause is None else root_cause.strip()
    if cause is not None and len(cause) > MAX_ROOT_CAUSE:
        raise InvalidInput(f"a root cause is at most {MAX_ROOT_CAUSE} characters")
    added = []
    for action in actions:
        text = " ".join(action.split())
        if not text:
            raise InvalidInput("an action item needs some text")
        if len(text) > MAX_ACTION:
            raise InvalidInput(f"an action item is at most {MAX_ACTION} characters")
        added.append(text)
    if not cause and not added:
        raise InvalidInput("a review needs a root cause or an action item")
    if len(incident.actions) + len(added) > MAX_ACTIONS:
        raise InvalidInput(f"an incident has at most {MAX_ACTIONS} action items")
    said = []
    changes: dict[str, object] = {}
    if cause:
        said.append(f"root cause: {cause}")
        changes["root_cause"] = cause
    if added:
        said.extend(f"action: {text}" for text in added)
        changes["actions"] = (*incident.actions, *added)
    return append_entry(incident, at, EntryKind.REVIEWED, by, "; ".join(said), **changes)
