"""A reporter's contact: a plain name, or an apprise URL the closure notice can reach."""

from __future__ import annotations

from onwatch.incidents import InvalidInput
from onwatch.incidents.people import MAX_NAME

MAX_CONTACT = 2000
"""An apprise URL may carry a path and query: longer than a name."""


def check_contact(contact: str | None) -> str | None:
    """The contact as stored (None when blank), or InvalidInput when it is a URL apprise
    cannot use: better refused now than found out at closure, when the person waits."""
    text = (contact or "").strip()
    if not text:
        return None
    if any(ch in text for ch in "\n\r\t"):
        raise InvalidInput("a reporter is one line")
    if "://" not in text:
        if len(text) > MAX_NAME:
            raise InvalidInput(f"a reporter's name is at most {MAX_NAME} characters")
        return text
    if len(text) > MAX_CONTACT:
        raise InvalidInput(f"a reporter URL is at most {MAX_CONTACT} characters")
    # Imported only for a URL: listing or reporting by name never loads apprise.
    import apprise

    if not apprise.Apprise().add(text):
        scheme = text.split("://", 1)[0]
        raise InvalidInput(f"the reporter URL ({scheme}://...) is not one apprise can notify")
    return text
