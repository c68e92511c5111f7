"""The console backend over onwatch's HTTP API (`onwatch --connect URL`)."""

from onwatch.remote.backend import RemoteBackend
from onwatch.remote.sse import SseEvent, SseParser

__all__ = ["RemoteBackend", "SseEvent", "SseParser"]
