"""Why a network check failed, in the short words an incident title carries.

The texts are a contract: the engine and the TUI show them as they are, and tests match their
beginnings ("timeout after", "connection refused", "DNS failure:", "TLS error:").
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator
from datetime import timedelta

from onwatch.collectors.wire import ProtocolError, ReadLost, WriteLost
from onwatch.incidents.timefmt import exact_duration

REFUSED = "connection refused"


def timed_out(timeout: timedelta) -> str:
    # Written as in the config file, so the reader finds the setting to change.
    return f"timeout after {exact_duration(timeout)}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what caused it, and the members of any exception group on the way."""
    pending = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)


def tls_reason(exc: ssl.SSLError) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return f"TLS error: {exc.verify_message}"
    reason = exc.reason or exc.strerror or type(exc).__name__
    return f"TLS error: {str(reason).lower().replace('_', ' ')}"


def os_reason(exc: OSError, host: str) -> str | None:
    """The reason for a socket-level failure, or None when it is not one."""
    if isinstance(exc, socket.gaierror):
        return f"DNS failure: {host}"
    if isinstance(exc, ssl.SSLError):
        return tls_reason(exc)
    if isinstance(exc, ConnectionRefusedError):
        return REFUSED
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "host unreachable"
    if exc.errno is not None and exc.strerror:
        return exc.strerror.lower()
    return None


def reason_for(exc: BaseException, host: str, timeout: timedelta) -> str:
    """Why a request to `host` failed, from what the connection and the parser raised."""
    causes = list(_causes(exc))
    if any(isinstance(c, TimeoutError) for c in causes):
        return timed_out(timeout)
    # Most specific first: a TLS or DNS failure outranks the refusal of a second address.
    for kind in (ssl.SSLError, socket.gaierror, ConnectionRefusedError, OSError):
        for cause in causes:
            if isinstance(cause, kind):
                reason = os_reason(cause, host)
                if reason:
                    return reason
    if any(isinstance(c, ProtocolError) for c in causes):
        return "protocol error: the server broke HTTP"
    if any(isinstance(c, ReadLost) for c in causes):
        return "connection lost while reading"
    if any(isinstance(c, WriteLost) for c in causes):
        return "connection lost while sending"
    return f"request failed: {type(exc).__name__}"
