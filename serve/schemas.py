"""The OpenAPI components: the shapes of what the API carries, as the codecs write them."""

from __future__ import annotations

from typing import Any

from onwatch.engine.contacts import MAX_CONTACT
from onwatch.incidents import Category, Priority, Severity, State, people
from onwatch.incidents.silences import SILENCE_KEYS
from onwatch.serve import alertmanager_payload as am
from onwatch.serve.routes_silences import MAX_REASON


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_TIME = {"type": "string", "format": "date-time"}
_NULL_TIME = {**_TIME, "nullable": True}
_NULL_NUMBER = {"type": "number", "nullable": True}
_NULL_STRING = {"type": "string", "nullable": True}
_STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}
_AM_LABELS = {
    "type": "object",
    "maxProperties": am.MAX_PAIRS,
    "additionalProperties": {"type": "string", "maxLength": am.MAX_LABEL_VALUE},
}
_AM_ANNOTATIONS = {
    **_AM_LABELS,
    "additionalProperties": {"type": "string", "maxLength": am.MAX_ANNOTATION},
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}},
    },
    "Health": {
        "type": "object",
        "required": ["status", "version"],
        "properties": {"status": {"type": "string", "enum": ["ok"]}, "version": {"type": "string"}},
    },
    "TimelineEntry": {
        "type": "object",
        "required": ["at", "kind", "by", "note"],
        "properties": {
            "at": _TIME,
            "kind": {"type": "string"},
            "by": {"type": "string"},
            "note": {"type": "string"},
        },
    },
    "Incident": {
        "type": "object",
        "required": ["id", "fingerprint", "title", "source", "check", "metric", "severity"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "fingerprint": {"type": "string"},
            "title": {"type": "string"},
            "source": {"type": "string"},
            "check": {"type": "string"},
            "metric": {"type": "string"},
            "value": _NULL_NUMBER,
            "threshold": _NULL_NUMBER,
            "severity": {"type": "string", "enum": [s.value for s in Severity]},
            "priority": {"type": "string", "enum": [p.value for p in Priority]},
            "category": {"type": "string", "enum": [c.value for c in Category]},
            "state": {"type": "string", "enum": [s.value for s in State]},
            "escalation_level": {"type": "integer", "minimum": 0},
            "count": {"type": "integer", "minimum": 0},
            "created_at": _TIME,
            "last_seen_at": _TIME,
            "acknowledged_at": _NULL_TIME,
            "resolved_at": _NULL_TIME,
            "closed_at": _NULL_TIME,
            "marks": {"type": "array", "items": {"type": "string"}},
            "labels": _STRINGS,
            "timeline": {"type": "array", "items": _ref("TimelineEntry")},
            "owner": _NULL_STRING,
            "incident_manager": _NULL_STRING,
            "reporter": _NULL_STRING,
            "reports": {"type": "integer", "minimum": 0},
            "description": {"type": "string"},
            "feedback": {"type": "array", "items": _ref("Feedback")},
            "annotations": _STRINGS,
            "alertmanager_silence": _NULL_STRING,
            # Evidence at detection.
            "evidence": {
                "type": "object",
                "description": "What was captured as it opened: an HTTP answer's status, "
                "headers (credentials blanked) and first 2 KB of body, the address and timing; "
                "a TCP error; a disk's free space, inodes and growth; the busiest processes.",
            },
            # checklists and review
            "checked": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["item", "by", "at"],
                    "properties": {
                        "item": {"type": "string"},
                        "by": {"type": "string"},
                        "at": _TIME,
                    },
                },
            },
            "root_cause": {"type": "string"},
            "actions": {"type": "array", "items": {"type": "string"}},
            "peak": _NULL_NUMBER,
        },
    },
    "Feedback": {
        "type": "object",
        "required": ["rating", "comment", "by", "at"],
        "properties": {
            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
            "comment": {"type": "string"},
            "by": {"type": "string"},
            "at": _TIME,
        },
    },
    "NewReport": {
        "type": "object",
        "required": ["title"],
        "additionalProperties": False,
        "properties": {
            "title": {
                "type": "string",
                "minLength": 1,
                "maxLength": people.MAX_TITLE,
                "pattern": r"\S",
            },
            "severity": {"type": "string", "enum": [s.value for s in Severity]},
            "category": {"type": "string", "enum": [c.value for c in Category]},
            "source": {"type": "string", "maxLength": people.MAX_NAME},
            "description": {"type": "string", "maxLength": people.MAX_DESCRIPTION},
            "reporter": {
                "type": "string",
                "nullable": True,
                "maxLength": MAX_CONTACT,
                "description": "a name, or an apprise URL to tell at closure",
            },
        },
    },
    # Watching onwatch itself
    "NewDrill": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "check": {"type": "string", "maxLength": 200, "description": "a configured check"},
            "severity": {"type": "string", "enum": ["critical", "warning"]},
            "for": {"type": "string", "description": 'a duration up to 1d, e.g. "10m"'},
        },
    },
    "NotifyTest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "channel": {"type": "string", "maxLength": 200},
            "role": {"type": "string", "maxLength": 200},
        },
    },
    "TestResult": {
        "type": "object",
        "required": ["target", "ok", "reason"],
        "properties": {
            "target": {"type": "string"},
            "ok": {"type": "boolean"},
            "reason": _NULL_STRING,
        },
    },
    "ReloadResult": {
        "type": "object",
        "required": ["applied", "summary", "problems"],
        "properties": {
            "applied": {"type": "boolean"},
            "summary": {"type": "string", "description": "what changed, or how many problems"},
            "problems": {
                "type": "array",
                "items": {"type": "string"},
                "description": "one line each, naming file and line; the running config stays",
            },
        },
    },
    "Role": {
        "type": "object",
        "required": ["name", "members"],
        "properties": {
            "name": {"type": "string"},
            "members": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Sample": {
        "type": "object",
        "required": ["source", "check", "metric", "value", "error", "at"],
        "properties": {
            "source": {"type": "string"},
            "check": {"type": "string"},
            "metric": {"type": "string"},
            "value": _NULL_NUMBER,
            "error": {"type": "string", "nullable": True},
            "at": _TIME,
            "labels": _STRINGS,
        },
    },
    "Source": {
        "type": "object",
        "required": ["name", "kind", "samples", "trend"],
        "properties": {
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "samples": {"type": "object", "additionalProperties": _ref("Sample")},
            "trend": {"type": "array", "items": {"type": "number"}},
        },
    },
    "Silence": {
        "type": "object",
        "required": ["id", "matchers", "starts_at", "ends_at", "reason", "created_by"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "matchers": _STRINGS,
            "starts_at": _TIME,
            "ends_at": _TIME,
            "reason": {"type": "string"},
            "created_by": {"type": "string"},
            "expired_at": _NULL_TIME,
        },
    },
    "NewSilence": {
        "type": "object",
        "required": ["match", "for", "reason"],
        "additionalProperties": False,
        "properties": {
            "match": {
                "type": "object",
                "minProperties": 1,
                "properties": {
                    key: {"type": "string", "minLength": 1} for key in sorted(SILENCE_KEYS)
                },
                "additionalProperties": False,
            },
            "for": {"type": "string", "description": 'a duration from 1s to 90d, e.g. "2h"'},
            "reason": {"type": "string", "minLength": 1, "maxLength": MAX_REASON},
        },
    },
    "AlertmanagerPayload": {
        "type": "object",
        "required": ["version", "groupKey", "status", "receiver", "alerts"],
        "description": "Alertmanager's webhook body; keys not listed are ignored",
        "properties": {
            "version": {"type": "string", "enum": [am.VERSION]},
            "groupKey": {"type": "string", "maxLength": am.MAX_GROUP_KEY},
            "status": {"type": "string", "enum": list(am.STATUSES)},
            "receiver": {"type": "string", "maxLength": am.MAX_NAME * 4},
            "groupLabels": _AM_LABELS,
            "commonLabels": _AM_LABELS,
            "commonAnnotations": _AM_ANNOTATIONS,
            "externalURL": {"type": "string", "maxLength": am.MAX_URL},
            "truncatedAlerts": {"type": "integer", "minimum": 0},
            "alerts": {
                "type": "array",
                "maxItems": am.MAX_ALERTS,
                "items": _ref("AlertmanagerAlert"),
            },
        },
    },
    "AlertmanagerAlert": {
        "type": "object",
        "required": ["status", "labels"],
        "properties": {
            "status": {"type": "string", "enum": list(am.STATUSES)},
            "labels": {**_AM_LABELS, "minProperties": 1},
            "annotations": _AM_ANNOTATIONS,
            "startsAt": _TIME,
            "endsAt": _TIME,
            "generatorURL": {"type": "string", "maxLength": am.MAX_URL},
            "fingerprint": {"type": "string", "pattern": "^[0-9A-Za-z]{1,64}$"},
        },
    },
    "AlertmanagerReceipt": {
        "type": "object",
        "required": ["alerts", "changed", "refreshed"],
        "properties": {
            "alerts": {"type": "integer", "minimum": 0},
            "changed": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "event": {"type": "string"}},
                },
            },
            "refreshed": {"type": "integer", "minimum": 0},
        },
    },
}
