"""The people in an incident: who reported it, who owns it, who runs the response, how the
person affected rated the fix. Pure functions over `Incident`, like `incidents.lifecycle`."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import datetime

from onwatch.incidents.errors import InvalidInput, TransitionError
from onwatch.incidents.lifecycle import append_entry, check_note, open_incident
from onwatch.incidents.model import (
    Category,
    EntryKind,
    Feedback,
    Incident,
    Severity,
    State,
)

REPORTED_SOURCE = "reported"
"""Where a report lands when the reporter names no affected source."""
REPORT_CHECK = "report"
MAX_TITLE = 200
MAX_NAME = 200
MAX_DESCRIPTION = 4000
MAX_COMMENT = 2000
RATINGS = range(1, 6)


@dataclass(frozen=True, slots=True)
class Role:
    """People who take part in a response (service desk, IT support, an incident manager) and
    where to tell them: channel names or apprise URLs."""

    name: str
    members: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()


class Assignment(enum.StrEnum):
    OWNER = "owner"
    INCIDENT_MANAGER = "incident_manager"


def check_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise InvalidInput("a report needs a title")
    if len(text) > MAX_TITLE:
        raise InvalidInput(f"a title is at most {MAX_TITLE} characters, got {len(text)}")
    return text


def check_name(name: str, what: str = "a name") -> str:
    text = name.strip()
    if not text:
        raise InvalidInput(f"{what} cannot be empty")
    if len(text) > MAX_NAME or any(ch in text for ch in "\n\r\t"):
        raise InvalidInput(f"{what} is one line of at most {MAX_NAME} characters")
    return text


def who_reported(reporter: str | None, by: str) -> str:
    """The reporter as the timeline names them: a contact URL can hold a token, so only its
    kind is written ("a mailto contact"); the URL itself stays in the `reporter` field."""
    if not reporter:
        return by
    scheme, sep, _ = reporter.partition("://")
    return f"a {scheme} contact" if sep else reporter


def report_metric(title: str) -> str:
    """Reports of the same thing share a fingerprint however they are capitalised or spaced."""
    return " ".join(title.casefold().split())


def open_report(
    *,
    incident_id: int,
    title: str,
    severity: Severity,
    category: Category,
    source: str,
    description: str,
    reporter: str | None,
    by: str,
    at: datetime,
) -> Incident:
    """A person reports something broken: an incident with the lifecycle of any other."""
    title = check_title(title)
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"a description is at most {MAX_DESCRIPTION} characters")
    source = check_name(source, "the source")
    incident = open_incident(
        incident_id=incident_id,
        source=source,
        check=REPORT_CHECK,
        metric=report_metric(title),
        title=title,
        severity=severity,
        category=category,
        value=None,
        threshold=None,
        at=at,
    )
    opened = dataclasses.replace(
        incident.timeline[0], by=by, note=f"reported by {who_reported(reporter, by)}: {title}"
    )
    return dataclasses.replace(
        incident,
        timeline=(opened,),
        reporter=reporter,
        reports=1,
        description=description.strip(),
    )


def add_report(incident: Incident, *, reporter: str | None, by: str, at: datetime) -> Incident:
    """Another report of an incident that is still being handled: counted, not duplicated."""
    if not incident.state.is_active:
        raise TransitionError(incident.id, "add a report to", incident.state)
    count = incident.reports + 1
    who = who_reported(reporter, by)
    return append_entry(
        incident, at, EntryKind.REPORTED, by, f"report {count}, from {who}", reports=count
    )


def assign(
    incident: Incident,
    name: str,
    *,
    as_: Assignment = Assignment.OWNER,
    by: str,
    at: datetime,
) -> Incident:
    name = check_name(name)
    if getattr(incident, as_.value) == name:
        raise TransitionError(incident.id, "assign", incident.state, f"{name} is already {as_}")
    label = "owner" if as_ is Assignment.OWNER else "incident manager"
    return append_entry(
        incident, at, EntryKind.ASSIGNED, by, f"{label}: {name}", **{as_.value: name}
    )


def hand_over(incident: Incident, role: str, *, by: str, at: datetime, note: str = "") -> Incident:
    """Pass an active incident to a role (IT support, say); the notifier tells its channels."""
    if not incident.state.is_active:
        raise TransitionError(incident.id, "hand over", incident.state)
    text = f"handed over to {role}"
    note = check_note(note)
    # The policy's own steps keep their count: a hand-over is a person's choice beside them.
    return append_entry(
        incident, at, EntryKind.HANDED_OVER, by, f"{text}: {note}" if note else text
    )


def give_feedback(
    incident: Incident, *, rating: int, comment: str = "", by: str, at: datetime
) -> Incident:
    """The person affected says whether the fix worked; only once it is resolved or closed."""
    if rating not in RATINGS:
        raise InvalidInput(f"a rating is 1 to 5, got {rating}")
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"a comment is at most {MAX_COMMENT} characters")
    if incident.state not in (State.RESOLVED, State.CLOSED):
        raise TransitionError(incident.id, "take feedback on", incident.state)
    entry = Feedback(rating=rating, comment=comment.strip(), by=by, at=at)
    note = f"rated {rating}/5" + (f": {entry.comment}" if entry.comment else "")
    return append_entry(
        incident, at, EntryKind.FEEDBACK, by, note, feedback=(*incident.feedback, entry)
    )
