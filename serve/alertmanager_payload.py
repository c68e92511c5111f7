"""Alertmanager's webhook body (payload version 4), checked field by field.

    {"version": "4", "groupKey": "...", "status": "firing", "receiver": "onwatch",
     "groupLabels": {...}, "commonLabels": {...}, "commonAnnotations": {...},
     "externalURL": "http://alertmanager:9093", "truncatedAlerts": 0,
     "alerts": [{"status": "firing", "labels": {...}, "annotations": {...},
                 "startsAt": "...", "endsAt": "...", "generatorURL": "...", "fingerprint": "..."}]}

Every known field must have its type and stay within its bounds, or the whole payload is
refused (nothing of it is stored). Keys this version does not know are ignored: senders that
speak version 4 (Grafana, say) add their own.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from onwatch.incidents.external import AlertStatus, ExternalAlert
from onwatch.serve.errors import ApiError

VERSION = "4"
MAX_BODY = 1024 * 1024
MAX_ALERTS = 1000
MAX_PAIRS = 64
"""Labels or annotations on one alert (or in a group's common set)."""
MAX_NAME = 128
MAX_LABEL_VALUE = 1024
MAX_ANNOTATION = 4000
MAX_URL = 2048
MAX_GROUP_KEY = 4096
MAX_TIME = 64
FINGERPRINT = re.compile(r"[0-9A-Za-z]{1,64}")
STATUSES = tuple(s.value for s in AlertStatus)


def _bad(where: str, problem: str) -> ApiError:
    return ApiError(400, f"not an Alertmanager version 4 payload: {where} {problem}")


def _string(value: Any, where: str, limit: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _bad(where, "must be a string")
    if len(value) > limit:
        raise _bad(where, f"is longer than {limit} characters")
    return value


def _pairs(
    value: Any, where: str, limit: int, *, required: bool = True
) -> tuple[tuple[str, str], ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, dict):
        raise _bad(where, "must be an object of strings")
    if len(value) > MAX_PAIRS:
        raise _bad(where, f"has more than {MAX_PAIRS} entries")
    pairs = []
    for name, text in value.items():
        if not name or len(name) > MAX_NAME or not name.isprintable():
            raise _bad(
                where, f"has a name that is empty, unprintable or over {MAX_NAME} characters"
            )
        pairs.append((name, _string(text, f"{where}.{name}", limit)))
    return tuple(sorted(pairs))


def _time(value: Any, where: str) -> None:
    if value is None:
        return
    text = _string(value, where, MAX_TIME)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(where, "must be an RFC 3339 time") from None
    if parsed.tzinfo is None:
        raise _bad(where, "must carry a time zone")


def _status(value: Any, where: str) -> AlertStatus:
    if value not in STATUSES:
        raise _bad(where, f"must be one of {', '.join(STATUSES)}")
    return AlertStatus(value)


def _alert(value: Any, where: str) -> ExternalAlert:
    if not isinstance(value, dict):
        raise _bad(where, "must be an object")
    labels = _pairs(value.get("labels"), f"{where}.labels", MAX_LABEL_VALUE)
    if not labels:
        raise _bad(f"{where}.labels", "must not be empty")
    annotations = _pairs(
        value.get("annotations"), f"{where}.annotations", MAX_ANNOTATION, required=False
    )
    _time(value.get("startsAt"), f"{where}.startsAt")
    _time(value.get("endsAt"), f"{where}.endsAt")
    fingerprint = _string(value.get("fingerprint"), f"{where}.fingerprint", 64, required=False)
    if fingerprint and not FINGERPRINT.fullmatch(fingerprint):
        raise _bad(f"{where}.fingerprint", "must be letters and digits")
    return ExternalAlert(
        status=_status(value.get("status"), f"{where}.status"),
        labels=labels,
        annotations=annotations,
        fingerprint=fingerprint,
        generator_url=_string(
            value.get("generatorURL"), f"{where}.generatorURL", MAX_URL, required=False
        ),
    )


def parse_payload(body: Any) -> list[ExternalAlert]:
    """The alerts of a webhook body; ApiError(400) naming the first thing wrong."""
    if not isinstance(body, dict):
        raise _bad("the body", "must be a JSON object")
    if body.get("version") != VERSION:
        raise _bad("version", f'must be "{VERSION}"')
    _string(body.get("groupKey"), "groupKey", MAX_GROUP_KEY)
    _string(body.get("receiver"), "receiver", MAX_NAME * 4)
    _status(body.get("status"), "status")
    _string(body.get("externalURL"), "externalURL", MAX_URL, required=False)
    for key in ("groupLabels", "commonLabels"):
        _pairs(body.get(key), key, MAX_LABEL_VALUE, required=False)
    _pairs(body.get("commonAnnotations"), "commonAnnotations", MAX_ANNOTATION, required=False)
    truncated = body.get("truncatedAlerts", 0)
    if isinstance(truncated, bool) or not isinstance(truncated, int) or truncated < 0:
        raise _bad("truncatedAlerts", "must be a non-negative integer")
    alerts = body.get("alerts")
    if not isinstance(alerts, list):
        raise _bad("alerts", "must be an array")
    if len(alerts) > MAX_ALERTS:
        raise _bad("alerts", f"has more than {MAX_ALERTS} alerts")
    return [_alert(alert, f"alerts[{index}]") for index, alert in enumerate(alerts)]
