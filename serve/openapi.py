"""`GET /openapi.json`: the v1 API described by hand, from the same constants the routes use,
so a client generator and schemathesis see exactly what the server accepts and answers."""

from __future__ import annotations

from typing import Any

from onwatch.incidents import Category, Priority, Severity, State
from onwatch.incidents.silences import SILENCE_KEYS
from onwatch.serve.bodies import MAX_NOTE
from onwatch.serve.routes_incidents import ACTIONS, MAX_LIMIT, MAX_OFFSET, STATES
from onwatch.serve.routes_silences import MAX_REASON

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "bad input",
        401: "no or wrong token",
        403: "the token's role may not do this",
        404: "no such incident, silence or route",
        409: "the transition is not allowed",
        413: "the body is over 64 KiB",
        503: "the store refused the write",
    }
    return {str(code): _json(_ref("Error"), words[code]) for code in codes}


_TIME = {"type": "string", "format": "date-time"}
_NULL_TIME = {**_TIME, "nullable": True}
_NULL_NUMBER = {"type": "number", "nullable": True}
_STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}

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
}

_NOTE = {"type": "string", "maxLength": MAX_NOTE}
_BODIES: dict[str, dict[str, Any]] = {
    "note": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {"text": {**_NOTE, "minLength": 1, "pattern": r"\S"}},
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

_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
_INCIDENT = _json(_ref("Incident"), "the incident as it now is")


def _action(verb: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": f"incident_{verb}",
            "summary": f"{verb} an incident (operator); the timeline names the token's name",
            "parameters": [_ID],
            "requestBody": {
                "required": verb in _BODIES,
                "content": {JSON: {"schema": _BODIES.get(verb, _NOTE_BODY)}},
            },
            "responses": {"200": _INCIDENT, **_errors(400, 401, 403, 404, 409, 413, 503)},
        }
    }


def build_openapi(version: str) -> dict[str, Any]:
    array_of = lambda name: {"type": "array", "items": _ref(name)}  # noqa: E731
    paths: dict[str, Any] = {
        "/v1/health": {
            "get": {
                "operationId": "health",
                "security": [],
                "responses": {"200": _json(_ref("Health"), "the server answers")},
            }
        },
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
                ],
                "responses": {
                    "200": _json(array_of("Incident"), "incidents, as `incidents list`"),
                    **_errors(400, 401, 503),
                },
            }
        },
        "/v1/incidents/{id}": {
            "get": {
                "operationId": "get_incident",
                "parameters": [_ID],
                "responses": {
                    "200": _json(_ref("Incident"), "one incident"),
                    **_errors(401, 404, 503),
                },
            }
        },
        **{f"/v1/incidents/{{id}}/{verb}": _action(verb) for verb in ACTIONS},
        "/v1/sources": {
            "get": {
                "operationId": "list_sources",
                "responses": {
                    "200": _json(array_of("Source"), "every watched source"),
                    **_errors(401),
                },
            }
        },
        "/v1/silences": {
            "get": {
                "operationId": "list_silences",
                "parameters": [
                    {
                        "name": "all",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["true", "false"], "default": "false"},
                    }
                ],
                "responses": {
                    "200": _json(array_of("Silence"), "silences"),
                    **_errors(400, 401, 503),
                },
            },
            "post": {
                "operationId": "add_silence",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("NewSilence")}},
                },
                "responses": {
                    "201": _json(_ref("Silence"), "the new silence"),
                    **_errors(400, 401, 403, 413, 503),
                },
            },
        },
        "/v1/silences/{id}": {
            "delete": {
                "operationId": "expire_silence",
                "parameters": [_ID],
                "responses": {
                    "200": _json(_ref("Silence"), "the expired silence"),
                    **_errors(401, 403, 404, 409, 503),
                },
            }
        },
        "/v1/events": {
            "get": {
                "operationId": "events",
                "description": "server-sent events: hello, then incident, incidents, samples, status; `: ping` every 15 s",
                "responses": {
                    "200": {
                        "description": "an event stream",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    **_errors(401),
                },
            }
        },
        "/metrics": {
            "get": {
                "operationId": "metrics",
                "responses": {
                    "200": {
                        "description": "Prometheus text format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    **_errors(401),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "security": [],
                "responses": {
                    "200": {
                        "description": "this document",
                        "content": {JSON: {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "onwatch", "version": version, "description": "The onwatch HTTP API v1"},
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
