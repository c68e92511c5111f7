"""The OpenAPI paths of incidents: listing, reporting, one incident, the actions on it, and the
history (stats, export), from the same constants the routes use."""

from __future__ import annotations

from typing import Any

from onwatch.incidents import people
from onwatch.serve.bodies import MAX_NOTE
from onwatch.serve.openapi_common import ID, JSON, array_of, errors, json_answer, ref
from onwatch.serve.routes_incidents import ACTIONS, MAX_LIMIT, MAX_OFFSET, STATES

_NOTE = {"type": "string", "maxLength": MAX_NOTE}
_BODIES: dict[str, dict[str, Any]] = {
    "note": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {"text": {**_NOTE, "minLength": 1, "pattern": r"\S"}},
    },
    "escalate": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "note": _NOTE,
            "to": {"type": "string", "maxLength": people.MAX_NAME, "description": "a role"},
        },
    },
    "assign": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": people.MAX_NAME},
            "as": {"type": "string", "enum": [a.value for a in people.Assignment]},
        },
    },
    "feedback": {
        "type": "object",
        "required": ["rating"],
        "additionalProperties": False,
        "properties": {
            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
            "comment": {"type": "string", "maxLength": people.MAX_COMMENT},
        },
    },
    "priority": {
        "type": "object",
        "required": ["priority"],
        "additionalProperties": False,
        "properties": {
            "priority": {"type": "string", "pattern": "^[Pp][1-5]$"},
            "note": _NOTE,
        },
    },
}
_NOTE_BODY = {"type": "object", "additionalProperties": False, "properties": {"note": _NOTE}}

_INCIDENT = json_answer(ref("Incident"), "the incident as it now is")


def _action(verb: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": f"incident_{verb}",
            "summary": f"{verb} an incident (operator); the timeline names the token's name",
            "parameters": [ID],
            "requestBody": {
                "required": verb in _BODIES and "required" in _BODIES[verb],
                "content": {JSON: {"schema": _BODIES.get(verb, _NOTE_BODY)}},
            },
            "responses": {"200": _INCIDENT, **errors(400, 401, 403, 404, 409, 413, 503)},
        }
    }


_SINCE = {
    "name": "since",
    "in": "query",
    "description": "only incidents opened within this duration back from now, e.g. 30d",
    "schema": {"type": "string"},
}
_DRILLS = {
    "name": "drills",
    "in": "query",
    "description": "true: include drills",
    "schema": {"type": "string", "enum": ["true", "false"], "default": "false"},
}


def _history_paths() -> dict[str, Any]:
    return {
        "/v1/stats": {
            "get": {
                "operationId": "stats",
                "parameters": [_SINCE, _DRILLS],
                "responses": {
                    "200": json_answer(
                        {"type": "object"}, "the figures, as `onwatch stats --json`"
                    ),
                    **errors(400, 401, 503),
                },
            }
        },
        "/v1/incidents/export": {
            "get": {
                "operationId": "export_incidents",
                "parameters": [
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["csv", "json"], "default": "json"},
                    },
                    _SINCE,
                    _DRILLS,
                ],
                "responses": {
                    "200": {
                        "description": "streamed: CSV with a header row, or one JSON incident a line",
                        "content": {"text/csv": {}, "application/x-ndjson": {}},
                    },
                    **errors(400, 401, 503),
                },
            }
        },
    }


def incident_paths() -> dict[str, Any]:
    return {
        **_history_paths(),
        "/v1/incidents": {
            "get": {
                "operationId": "list_incidents",
                "parameters": [
                    {
                        "name": "state",
                        "in": "query",
                        "schema": {"type": "string", "enum": list(STATES), "default": "open"},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_LIMIT,
                            "default": 100,
                        },
                    },
                    {
                        "name": "offset",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 0,
                            "maximum": MAX_OFFSET,
                            "default": 0,
                        },
                    },
                    {
                        "name": "mine",
                        "in": "query",
                        "description": "true: only incidents the token's name owns",
                        "schema": {"type": "string", "enum": ["true", "false"], "default": "false"},
                    },
                    {
                        "name": "newest",
                        "in": "query",
                        "description": "paged: the newest N (by id); with since/before, offset is ignored",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    },
                    _SINCE,
                    {
                        "name": "before",
                        "in": "query",
                        "description": "paged: only ids below this one (the next page)",
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],
                "responses": {
                    "200": json_answer(array_of("Incident"), "incidents, as `incidents list`"),
                    **errors(400, 401, 503),
                },
            },
            "post": {
                "operationId": "open_report",
                "summary": "report something broken (operator); adds to an incident already open",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": ref("NewReport")}},
                },
                "responses": {
                    "201": json_answer(ref("Incident"), "a new incident"),
                    "200": json_answer(ref("Incident"), "the incident the report was added to"),
                    **errors(400, 401, 403, 413, 503),
                },
            },
        },
        "/v1/roles": {
            "get": {
                "operationId": "list_roles",
                "responses": {
                    "200": json_answer(array_of("Role"), "the configured roles and their members"),
                    **errors(401),
                },
            }
        },
        "/v1/incidents/{id}": {
            "get": {
                "operationId": "get_incident",
                "parameters": [ID],
                "responses": {
                    "200": json_answer(ref("Incident"), "one incident"),
                    **errors(401, 404, 503),
                },
            }
        },
        **{f"/v1/incidents/{{id}}/{verb}": _action(verb) for verb in ACTIONS},
    }
