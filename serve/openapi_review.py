"""The OpenAPI paths and components of diagnosis and review (`serve.routes_review`)."""

from __future__ import annotations

from typing import Any

from onwatch.incidents.changes import MAX_NAME, MAX_TEXT
from onwatch.incidents.review import MAX_ACTION, MAX_ACTIONS, MAX_ROOT_CAUSE
from onwatch.serve.openapi_common import ID as _ID
from onwatch.serve.openapi_common import JSON
from onwatch.serve.openapi_common import errors as _errors
from onwatch.serve.openapi_common import json_answer as _json
from onwatch.serve.openapi_common import ref as _ref
from onwatch.serve.routes_review import MAX_CHECK_ITEM

_TIME = {"type": "string", "format": "date-time"}
_NULL_TIME = {**_TIME, "nullable": True}


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": _ref(name)}}}


REVIEW_SCHEMAS: dict[str, Any] = {
    "Change": {
        "type": "object",
        "required": ["id", "at", "text", "source", "by"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "at": _TIME,
            "text": {"type": "string"},
            "source": {"type": "string"},
            "by": {"type": "string"},
        },
    },
    "NewChange": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": r"\S"},
            "source": {"type": "string", "maxLength": MAX_NAME},
        },
    },
    "ChecklistItem": {
        "type": "object",
        "required": ["number", "text", "done", "by", "at"],
        "properties": {
            "number": {"type": "integer", "minimum": 1},
            "text": {"type": "string"},
            "done": {"type": "boolean"},
            "by": {"type": "string", "nullable": True},
            "at": _NULL_TIME,
        },
    },
    "Precedent": {
        "type": "object",
        "required": ["id", "title", "opened_at", "lasted_seconds", "resolution", "root_cause"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "title": {"type": "string"},
            "opened_at": _TIME,
            "lasted_seconds": {"type": "number", "nullable": True},
            "resolution": {"type": "string"},
            "root_cause": {"type": "string"},
            "same_fingerprint": {"type": "boolean"},
        },
    },
    "IncidentContext": {
        "type": "object",
        "required": ["checklist", "changes", "similar"],
        "properties": {
            "checklist": {"type": "array", "items": _ref("ChecklistItem")},
            "changes": {
                "type": "array",
                "items": _ref("Change"),
                "description": "from 2 h before it opened until it resolved, nearest first",
            },
            "similar": {
                "type": "array",
                "items": _ref("Precedent"),
                "description": "up to three earlier closed incidents like it",
            },
        },
    },
    "Postmortem": {
        "type": "object",
        "required": ["id", "markdown"],
        "properties": {"id": {"type": "integer"}, "markdown": {"type": "string"}},
    },
    "CheckItem": {
        "type": "object",
        "required": ["item"],
        "additionalProperties": False,
        "properties": {
            "item": {"type": "integer", "minimum": 1, "maximum": MAX_CHECK_ITEM},
            "undo": {"type": "boolean", "default": False},
        },
    },
    "Review": {
        "type": "object",
        "additionalProperties": False,
        "description": "a root cause (replaces any before), action items (appended), or both",
        "properties": {
            "root_cause": {"type": "string", "maxLength": MAX_ROOT_CAUSE},
            "actions": {
                "type": "array",
                "maxItems": MAX_ACTIONS,
                "items": {"type": "string", "maxLength": MAX_ACTION},
            },
        },
    },
}

_INCIDENT = _json(_ref("Incident"), "the incident as it now is")

REVIEW_PATHS: dict[str, Any] = {
    "/v1/incidents/{id}/context": {
        "get": {
            "operationId": "incident_context",
            "summary": "its checklist, the changes near it, what fixed it last time",
            "parameters": [_ID],
            "responses": {
                "200": _json(_ref("IncidentContext"), "the incident's context"),
                **_errors(401, 404, 503),
            },
        }
    },
    "/v1/incidents/{id}/postmortem": {
        "get": {
            "operationId": "incident_postmortem",
            "summary": "the postmortem as Markdown, as `onwatch postmortem` writes it",
            "parameters": [_ID],
            "responses": {
                "200": _json(_ref("Postmortem"), "the postmortem"),
                **_errors(401, 404, 503),
            },
        }
    },
    "/v1/incidents/{id}/check": {
        "post": {
            "operationId": "incident_check",
            "summary": "tick (or with undo untick) checklist item N, from 1 as listed",
            "parameters": [_ID],
            "requestBody": _body("CheckItem"),
            "responses": {"200": _INCIDENT, **_errors(400, 401, 403, 404, 413, 503)},
        }
    },
    "/v1/incidents/{id}/review": {
        "post": {
            "operationId": "incident_review",
            "summary": "record the root cause and action items of the post-incident review",
            "parameters": [_ID],
            "requestBody": _body("Review"),
            "responses": {"200": _INCIDENT, **_errors(400, 401, 403, 404, 413, 503)},
        }
    },
    "/v1/changes": {
        "get": {
            "operationId": "list_changes",
            "parameters": [
                {
                    "name": "since",
                    "in": "query",
                    "description": "a time (ISO-8601 with its zone) or an age such as 7d",
                    "schema": {"type": "string", "default": "7d"},
                }
            ],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Change")}, "changes, oldest first"),
                **_errors(400, 401, 503),
            },
        },
        "post": {
            "operationId": "add_change",
            "summary": "record a change (a deploy, a config edit); the token's name made it",
            "requestBody": _body("NewChange"),
            "responses": {
                "201": _json(_ref("Change"), "the change recorded"),
                **_errors(400, 401, 403, 413, 503),
            },
        },
    },
}
