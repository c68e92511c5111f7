"""Evidence: secrets blanked, size bounded, plain data only, kept as an incident opens."""

from __future__ import annotations

import json

from onwatch.incidents import Breach, Category, Severity, apply
from onwatch.incidents.codec import incident_from_dict, incident_to_dict
from onwatch.incidents.evidence import (
    MASK,
    bounded,
    redact_headers,
    redact_url,
)

from .conftest import T0


def test_credential_headers_are_blanked() -> None:
    headers = redact_headers(
        [
            ("Content-Type", "text/html"),
            ("Set-Cookie", "session=abc123"),
            ("Set-Cookie", "other=xyz"),
            ("Authorization", "Bearer s3cr3t"),
            ("X-Upstream-Token", "t0k3n"),
        ]
    )
    assert headers["content-type"] == "text/html"
    assert headers["set-cookie"] == f"{MASK}, {MASK}"
    assert headers["authorization"] == MASK
    assert headers["x-upstream-token"] == MASK


def test_url_userinfo_and_token_queries_are_blanked() -> None:
    url = redact_url("https://bob:hunter2@example.com:8443/health?token=abc&verbose=1")
    assert "hunter2" not in url and "bob" not in url and "abc" not in url
    assert url == f"https://{MASK}@example.com:8443/health?token={MASK}&verbose=1"


def test_evidence_is_bounded_to_eight_kilobytes() -> None:
    big = {"body": "x" * 20_000, "headers": {f"h{i}": "y" * 300 for i in range(40)}, "status": 500}
    out = bounded(big)
    assert len(json.dumps(out).encode()) <= 8192
    assert out["truncated"] is True
    assert out["status"] == 500


def test_small_evidence_passes_unchanged() -> None:
    data = {"status": 500, "address": "127.0.0.1:80", "seconds": 0.01}
    assert bounded(data) == data


def test_breach_evidence_is_kept_by_the_incident_it_opens_and_survives_the_codec() -> None:
    breach = Breach(
        source="api",
        check="api",
        metric="up",
        severity=Severity.CRITICAL,
        category=Category.AVAILABILITY,
        value=None,
        threshold=None,
        title="api: unexpected status 500",
        at=T0,
        evidence={"status": 500, "headers": {"server": "x"}},
    )
    change = apply(breach, None, next_id=lambda: 1)
    assert change is not None
    assert change.incident.evidence == {"status": 500, "headers": {"server": "x"}}
    data = incident_to_dict(change.incident)
    assert data["evidence"]["status"] == 500
    assert incident_from_dict(data).evidence == change.incident.evidence


def test_old_records_without_evidence_load_with_none() -> None:
    breach = Breach(
        "api", "api", "up", Severity.CRITICAL, Category.AVAILABILITY, None, None, "t", T0
    )
    change = apply(breach, None, next_id=lambda: 1)
    assert change is not None
    data = incident_to_dict(change.incident)
    del data["evidence"]
    assert incident_from_dict(data).evidence == {}
