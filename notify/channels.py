"""Channels: one apprise URL each (Slack, mailto, Teams, Telegram, json:// webhooks...).

A channel is named by its config key everywhere; its URL holds credentials and never leaves this
module except to apprise. Delivery blocks (apprise is synchronous), so the dispatcher calls
`deliver` from worker threads, never on the event loop.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl

from onwatch.incidents import Severity
from onwatch.notify.messages import Tone
from onwatch.notify.redact import Redactor, guard_library_logs

if TYPE_CHECKING:
    import apprise

DEFAULT_CONNECT_TIMEOUT = 4.0
DEFAULT_READ_TIMEOUT = 8.0

_HTTP_STATUS = re.compile(r"error=(\d{3})\b")


class InvalidChannel(ValueError):
    """A channel apprise cannot use; the message names the channel, never its URL."""


@dataclass(frozen=True, slots=True)
class Channel:
    """Where notifications go: `name` is the config key, `url` an apprise URL (a secret).

    `min_severity` drops incidents below it; `send_resolved` also announces recoveries.
    """

    name: str
    url: str = field(repr=False)
    min_severity: Severity = Severity.INFO
    send_resolved: bool = False

    def accepts(self, severity: Severity) -> bool:
        return severity.rank >= self.min_severity.rank


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one attempt came to; `reason` is safe to show (no URL, no token)."""

    ok: bool
    reason: str = ""
    seconds: float = 0.0


class ChannelSender(Protocol):
    """Delivers to one channel. `deliver` blocks: call it from a worker thread."""

    @property
    def channel(self) -> Channel: ...

    def deliver(self, title: str, body: str, tone: Tone = Tone.INFO) -> Delivery: ...


def with_timeouts(url: str, *, connect: float, read: float) -> str:
    """`url` with apprise's `cto` / `rto` options added unless it sets them itself.

    apprise's defaults let a peer that accepts and never answers hold a delivery for seconds;
    explicit options make the bound visible. The query is appended after everything else:
    apprise reads `#` as part of the path (`slack://.../#ops`), so it is no fragment to keep last.
    """
    _, _, query = url.partition("?")
    present = {key.lower() for key, _ in parse_qsl(query, keep_blank_values=True)}
    extra = [f"{k}={v:g}" for k, v in (("cto", connect), ("rto", read)) if k not in present]
    if not extra:
        return url
    joiner = "&" if "?" in url else "?"
    if url.endswith(("?", "&")):
        joiner = ""
    return url + joiner + "&".join(extra)


class AppriseSender:
    """Sends through apprise to one channel's URL."""

    def __init__(
        self,
        channel: Channel,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
    ) -> None:
        self._channel = channel
        self._asset = _asset()
        self._url = with_timeouts(channel.url, connect=connect_timeout, read=read_timeout)
        self.redactor = Redactor.for_urls([channel.url, self._url])
        guard_library_logs(channel.url)
        guard_library_logs(self._url)
        # Parse once up front so a bad URL fails at startup, named by its key only.
        import apprise  # heavy: only a process that sends pays for it

        if apprise.Apprise.instantiate(self._url, asset=self._asset) is None:
            raise InvalidChannel(
                f"channel {channel.name}: not a notification URL apprise understands"
            )

    @property
    def channel(self) -> Channel:
        return self._channel

    def deliver(self, title: str, body: str, tone: Tone = Tone.INFO) -> Delivery:
        # A fresh Apprise per call: plugin objects keep per-request state (throttling clocks),
        # and deliveries to one channel may run in several threads at once.
        import apprise

        notifier = apprise.Apprise(asset=self._asset)
        notifier.add(self._url)
        started = time.perf_counter()
        with _warnings_of_this_thread() as warnings:
            try:
                result = notifier.notify(
                    title=title, body=body, notify_type=apprise.NotifyType(tone.value)
                )
            except Exception as error:  # a plugin bug must not take the dispatcher down
                reason = self.redactor.redact(f"{type(error).__name__}: {error}")
                return Delivery(False, reason, time.perf_counter() - started)
        seconds = time.perf_counter() - started
        if result:
            return Delivery(True, "", seconds)
        return Delivery(
            False, self._reason(_attempt_warnings(result) or warnings, seconds), seconds
        )

    def _reason(self, warnings: list[str], seconds: float) -> str:
        for text in warnings:
            status = _HTTP_STATUS.search(text)
            if status:
                return f"HTTP {status.group(1)}"
        if any("connection error" in w.lower() for w in warnings):
            if seconds >= 0.9 * min(_timeouts(self._url)):
                return f"no answer within {seconds:.0f}s"
            return "connection error"
        if warnings:
            return self.redactor.redact(warnings[0])[:200]
        return "delivery failed"

    def __repr__(self) -> str:
        return f"AppriseSender({self._channel.name!r})"


def _asset() -> apprise.AppriseAsset:
    import apprise

    """apprise 2.x waits for each service in a pool thread of its own unless its per-service
    deadline is off, and Python joins that pool at exit: a peer that never answers would hold
    onwatch open after the operator quit. With the deadline off the call runs in our (daemon)
    thread, bounded by the cto/rto socket timeouts and by the dispatcher's delivery_timeout."""
    try:
        return apprise.AppriseAsset(service_timeout=0)
    except Exception:  # apprise 1.x has no such setting, and calls a single service inline
        return apprise.AppriseAsset()


def _attempt_warnings(result: object) -> list[str]:
    """The warnings apprise (2.x) recorded on each attempt of the result it returns."""
    found = []
    for service in getattr(result, "results", ()):
        for attempt in getattr(service, "attempts", ()):
            found += [e.message for e in attempt.logs if e.level not in _QUIET_LEVELS]
    return found


_QUIET_LEVELS = frozenset({"TRACE", "DEBUG", "INFO"})


def _timeouts(url: str) -> tuple[float, float]:
    _, _, query = url.partition("?")
    options = {k.lower(): v for k, v in parse_qsl(query)}
    return (
        float(options.get("cto", DEFAULT_CONNECT_TIMEOUT)),
        float(options.get("rto", DEFAULT_READ_TIMEOUT)),
    )


class _ThreadCapture(logging.Handler):
    """Collects the warnings apprise logs from this thread (it runs the service here, see
    `_asset`). apprise 1.x returns a bare bool, so the warning naming the HTTP status is only
    found in its log; 2.x also carries it on its result (`_attempt_warnings`)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _warnings_of_this_thread() -> Iterator[list[str]]:
    capture = _ThreadCapture()
    logger = logging.getLogger("apprise")
    logger.addHandler(capture)
    try:
        yield capture.messages
    finally:
        logger.removeHandler(capture)
