"""Messages the console posts to itself."""

from __future__ import annotations

from textual.message import Message


class BackendChanged(Message):
    """What the backend knows moved on; the screen re-reads what it shows (`take_changes` says
    what). Coalesces: one pending at a time."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BackendChanged)
