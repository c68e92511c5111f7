"""`/report`: a form for the people who are not operators: what is broken, what is affected,
how to reach them. It opens a reported incident through the operation the API's reports use,
and the reporter is told on closure."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import Response

from onwatch.engine.contacts import MAX_CONTACT
from onwatch.incidents import Category, Event, people
from onwatch.serve.errors import ApiError, blocking
from onwatch.serve.pages import paths
from onwatch.serve.pages.access import (
    Visitor,
    csrf_ok,
    csrf_refused,
    csrf_token,
    finish,
    guard,
    logout_form,
)
from onwatch.serve.pages.forms import read_form
from onwatch.serve.pages.render import error_line, page, render
from onwatch.serve.state import state_of

FIELDS = ("title", "affected", "details", "contact")
LIMITS = {
    "title": people.MAX_TITLE,
    "affected": people.MAX_NAME,
    "details": people.MAX_DESCRIPTION,
    "contact": MAX_CONTACT,
}
LABELS = {
    "title": "What is broken",
    "affected": "What is affected",
    "details": "The details",
    "contact": "How to reach you",
}
OUTCOMES = {
    Event.OPENED: "Someone on call will pick it up.",
    Event.REPORTED: "Someone had already reported the same thing: your report was added to it.",
    Event.REOPENED: "It had been fixed, and is open again with your report.",
}


def _form(
    request: Request,
    who: Visitor,
    values: dict[str, str],
    message: str = "",
    status: int = 200,
) -> Response:
    body = render(
        "report.html",
        csrf=csrf_token(request, who),
        message=error_line(message),
        logout=logout_form(request, who),
        max_title=LIMITS["title"],
        max_affected=LIMITS["affected"],
        max_details=LIMITS["details"],
        max_contact=LIMITS["contact"],
        **{key: values.get(key, "") for key in FIELDS},
    )
    return finish(request, who, page("Report a problem", body, status=status))


def problem(values: dict[str, str]) -> str:
    """What is wrong with the fields, in one line for the person who typed them ("" when
    nothing is); the operation checks again, and the contact's URL is its to check."""
    title = " ".join(values["title"].split())
    if not title:
        return "Say what is broken."
    if len(title) > LIMITS["title"]:
        return f"What is broken: at most {LIMITS['title']} characters, this is {len(title)}."
    for key in ("affected", "contact"):
        if any(ch in values[key] for ch in "\r\n\t"):
            return f"{LABELS[key]}: one line, please."
    for key in ("affected", "details", "contact"):
        if len(values[key]) > LIMITS[key]:
            return f"{LABELS[key]}: at most {LIMITS[key]} characters, this is {len(values[key])}."
    return ""


async def report_form(request: Request) -> Response:
    who, refusal = guard(request, paths.REPORT)
    if refusal is not None:
        return refusal
    return _form(request, who, {})


async def report(request: Request) -> Response:
    who, refusal = guard(request, paths.REPORT)
    if refusal is not None:
        return refusal
    try:
        fields = await read_form(request)
    except ApiError as exc:
        return _form(request, who, {}, str(exc), exc.status)
    if not csrf_ok(request, who, fields):
        return csrf_refused()
    values = {key: fields.get(key, "") for key in FIELDS}
    message = problem(values)
    if message:
        return _form(request, who, values, message, 400)
    assert who.principal is not None  # the guard let them in
    engine = state_of(request).engine
    operation = partial(
        engine.operations.open_report,
        values["title"],
        category=Category.REPORTED,
        source=values["affected"].strip() or people.REPORTED_SOURCE,
        description=values["details"].strip(),
        reporter=values["contact"].strip() or None,
        by=who.principal.name,
    )
    try:
        change = await blocking(operation)
    except ApiError as exc:
        return _form(request, who, values, str(exc), exc.status)
    engine.publish_change(change)
    body = render(
        "thanks.html",
        number=f"#{change.incident.id}",
        detail=OUTCOMES.get(change.event, OUTCOMES[Event.OPENED]),
        logout=logout_form(request, who),
    )
    return page("Thank you", body)
