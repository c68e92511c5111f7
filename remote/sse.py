"""A small parser for `text/event-stream`: bytes in, whole events out.

Only what the onwatch API sends is needed (`event:`, `data:`, comments), but the framing follows
the HTML standard so a proxy's reflowing of the stream cannot confuse it: lines end in LF, CR or
CRLF, a blank line dispatches, several `data:` lines join with LF, a line starting with `:` is a
comment (the server's `: ping`).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LINE = 1024 * 1024
"""Longest line kept, in bytes: a server gone wrong must not grow this process without bound."""


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str
    data: str


class SseParser:
    """Feed it chunks as they arrive; it returns the events they complete.

    An over-long line is thrown away and so is the event it belongs to (counted in `dropped`):
    a half event is worse than none.
    """

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self.max_line = max_line
        self.dropped = 0
        self._buffer = bytearray()
        self._skipping_line = False  # inside an over-long line: discard up to its end
        self._broken = False  # the current event lost a line
        self._event = ""
        self._data: list[str] = []
        self._cr_pending = False  # a chunk ended in CR: an LF opening the next one is not a line

    def feed(self, chunk: bytes) -> list[SseEvent]:
        events: list[SseEvent] = []
        if self._cr_pending and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._cr_pending = False
        start = 0
        while True:
            end = _line_end(chunk, start)
            if end < 0:
                break
            self._take(chunk[start:end], events)
            if chunk[end : end + 1] == b"\r":
                if end + 1 == len(chunk):
                    self._cr_pending = True
                elif chunk[end + 1 : end + 2] == b"\n":
                    end += 1
            start = end + 1
        rest = chunk[start:]
        if self._skipping_line:
            return events
        self._buffer += rest
        if len(self._buffer) > self.max_line:
            self._buffer.clear()
            self._skipping_line = True
        return events

    def _take(self, piece: bytes, events: list[SseEvent]) -> None:
        if self._skipping_line:
            self._skipping_line = False
            self._broken = True
            return
        self._buffer += piece
        if len(self._buffer) > self.max_line:
            self._buffer.clear()
            self._broken = True
            return
        line = self._buffer.decode("utf-8", errors="replace")
        self._buffer.clear()
        self._line(line, events)

    def _line(self, line: str, events: list[SseEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line.startswith(":"):
            return  # a comment: the ping that proves the connection is alive
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        # id: and retry: are not used by onwatch; unknown fields are ignored as the standard says.

    def _dispatch(self, events: list[SseEvent]) -> None:
        if self._broken:
            self.dropped += 1
        elif self._data:
            events.append(SseEvent(self._event or "message", "\n".join(self._data)))
        self._event = ""
        self._data = []
        self._broken = False


def _line_end(chunk: bytes, start: int) -> int:
    """Index of the first CR or LF at or after `start`, or -1."""
    lf = chunk.find(b"\n", start)
    cr = chunk.find(b"\r", start)
    if lf < 0:
        return cr
    if cr < 0:
        return lf
    return min(lf, cr)
