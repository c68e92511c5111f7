"""Messages the console posts to itself."""

from __future__ import annotations

from textual.message import Message


class EngineChanged(Message):
    """Engine state moved on; widgets re-read what they show. Coalesces: one pending at a time."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EngineChanged)
