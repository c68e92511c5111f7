"""When the certificate a server presented expires, read from the TLS connection itself."""

from __future__ import annotations

import logging
import ssl
from datetime import UTC, datetime

log = logging.getLogger(__name__)


def _from_der(der: bytes) -> datetime | None:
    try:
        from cryptography import x509  # optional: only needed when verify = false
    except ImportError:
        return None
    try:
        return x509.load_der_x509_certificate(der).not_valid_after_utc
    except ValueError:
        return None


def expires_at(tls: ssl.SSLObject | ssl.SSLSocket | None) -> datetime | None:
    """notAfter of the peer certificate, or None (plain HTTP, or nothing readable).

    A verified connection hands over the parsed certificate; an unverified one only the DER
    bytes (Python parses nothing it did not check), which `cryptography` can read when present.
    """
    if tls is None:
        return None
    try:
        parsed = tls.getpeercert()
        if parsed and "notAfter" in parsed:
            seconds = ssl.cert_time_to_seconds(str(parsed["notAfter"]))
            return datetime.fromtimestamp(seconds, UTC)
        der = tls.getpeercert(binary_form=True)
    except (ValueError, ssl.SSLError) as exc:
        log.debug("cannot read the peer certificate: %s", type(exc).__name__)
        return None
    return _from_der(der) if der else None


def days_left(expiry: datetime | None, now: datetime) -> float | None:
    if expiry is None:
        return None
    return (expiry - now).total_seconds() / 86400
