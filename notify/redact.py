"""Keep channel URLs and the tokens inside them out of every text onwatch writes.

An apprise URL is a credential: `slack://TokenA/TokenB/TokenC/#ops`, `tgram://bot:token/chat`,
`json://user:password@host/hook?token=...`. A `Redactor` knows every piece of the configured URLs
(user, password, host, each path segment, each query value) and blanks them in any text: failure
reasons, log records (including those apprise, requests and urllib3 write), timeline notes.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote

MASK = "***"

# Anything that looks like a URL is replaced whole, whoever's it is.
_ANY_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")

LIBRARY_LOGGERS = (
    "apprise",
    "requests",
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.util.retry",
)
"""Loggers that may write a URL or its parts; a filter on each redacts their records."""

# apprise's own options carry no secret; blanking their values ("4", "yes", "POST") would
# garble ordinary text such as "giving up after 4 attempts".
_PLAIN_OPTIONS = frozenset(
    {"cto", "rto", "method", "format", "overflow", "retry", "wait", "optional", "verify", "mode"}
)
_PLAIN_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "get", "post", "put"})


def _worth_hiding(piece: str) -> bool:
    if not piece.strip():
        return False
    if piece.isdigit() and len(piece) < 6:  # a port or a count, not a token
        return False
    return piece.lower() not in _PLAIN_WORDS


def url_secrets(url: str) -> set[str]:
    """Every piece of `url` that may be secret: the URL itself, its credentials, host and port
    (apprise puts tokens there: `tgram://bot:token/...`), each path segment and query value,
    raw and percent-decoded.

    Parsed by hand rather than with urlsplit: apprise reads `#` as part of the path
    (`slack://.../#channel`), not as a fragment.
    """
    pieces = {url}
    rest = url.split("://", 1)[1] if "://" in url else url
    rest, _, query = rest.partition("?")
    pieces.add(rest)
    netloc, _, path = rest.partition("/")
    userinfo, _, hostport = netloc.rpartition("@")
    pieces.update({netloc, hostport, *hostport.split(":")})
    if userinfo:
        pieces.update({userinfo, *userinfo.split(":", 1)})
    for segment in path.split("/"):
        pieces.update({segment, segment.lstrip("#@+")})
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key.lower() not in _PLAIN_OPTIONS:
            pieces.update({value, f"{key}={value}"})
    decoded = {unquote(p) for p in pieces} | {quote(p, safe="") for p in pieces}
    return {p for p in pieces | decoded if _worth_hiding(p)}


class Redactor:
    """Blanks known secrets (and anything shaped like a URL) in text. Thread-safe."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(secrets)

    @classmethod
    def for_urls(cls, urls: Iterable[str]) -> Redactor:
        redactor = cls()
        for url in urls:
            redactor.add_url(url)
        return redactor

    def add_url(self, url: str) -> None:
        self.add(url_secrets(url))

    def add(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s.strip())
            # Longest first, so a URL goes whole before its parts; a piece only counts where it
            # is not part of a longer word, so a path segment such as "hook" leaves "webhook" be.
            ordered = sorted(self._secrets, key=len, reverse=True)
            alternatives = "|".join(re.escape(s) for s in ordered)
            self._pattern = (
                re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")
                if ordered
                else None
            )

    def redact(self, text: str) -> str:
        text = _ANY_URL.sub("<url>", text)
        pattern = self._pattern
        return text if pattern is None else pattern.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites a record's message and traceback through a Redactor."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logger's problem, not a reason to leak
            message = str(record.msg)
        record.msg, record.args = self.redactor.redact(message), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the redacted traceback is what prints.
            record.exc_text = self.redactor.redact(
                logging.Formatter().formatException(record.exc_info)
            )
        elif record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        return True


LOG_REDACTOR = Redactor()
"""Secrets of every channel built in this process; guards the library loggers."""

_installed = False
_install_lock = threading.Lock()


def guard_library_logs(url: str) -> None:
    """Add `url`'s secrets to the log guard, installing the guard on first use."""
    global _installed
    LOG_REDACTOR.add_url(url)
    with _install_lock:
        if not _installed:
            guard = RedactingFilter(LOG_REDACTOR)
            for name in LIBRARY_LOGGERS:
                logging.getLogger(name).addFilter(guard)
            _installed = True
