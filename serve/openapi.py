"""`GET /openapi.json`: the v1 API described by hand, from the same constants the routes use,
so a client generator and schemathesis see exactly what the server accepts and answers."""

from __future__ import annotations

from typing import Any

from onwatch.incidents import people
from onwatch.serve.bodies import MAX_NOTE
from onwatch.serve.openapi_review import REVIEW_PATHS, REVIEW_SCHEMAS
from onwatch.serve.routes_incidents import ACTIONS, MAX_LIMIT, MAX_OFFSET, STATES
from onwatch.serve.schemas import SCHEMAS

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

_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
_INCIDENT = _json(_ref("Incident"), "the incident as it now is")


def _action(verb: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": f"incident_{verb}",
            "summary": f"{verb} an incident (operator); the timeline names the token's name",
            "parameters": [_ID],
            "requestBody": {
                "required": verb in _BODIES and "required" in _BODIES[verb],
                "content": {JSON: {"schema": _BODIES.get(verb, _NOTE_BODY)}},
            },
            "responses": {"200": _INCIDENT, **_errors(400, 401, 403, 404, 409, 413, 503)},
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
                    "200": _json({"type": "object"}, "the figures, as `onwatch stats --json`"),
                    **_errors(400, 401, 503),
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
                    **_errors(400, 401, 503),
                },
            }
        },
    }


def build_openapi(version: str) -> dict[str, Any]:
    array_of = lambda name: {"type": "array", "items": _ref(name)}  # noqa: E731
    paths: dict[str, Any] = {
        **_history_paths(),
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
                    "200": _json(array_of("Incident"), "incidents, as `incidents list`"),
                    **_errors(400, 401, 503),
                },
            },
            "post": {
                "operationId": "open_report",
                "summary": "report something broken (operator); adds to an incident already open",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("NewReport")}},
                },
                "responses": {
                    "201": _json(_ref("Incident"), "a new incident"),
                    "200": _json(_ref("Incident"), "the incident the report was added to"),
                    **_errors(400, 401, 403, 413, 503),
                },
            },
        },
        "/v1/roles": {
            "get": {
                "operationId": "list_roles",
                "responses": {
                    "200": _json(array_of("Role"), "the configured roles and their members"),
                    **_errors(401),
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
        **REVIEW_PATHS,
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
        "/v1/alertmanager": {
            "post": {
                "operationId": "alertmanager_webhook",
                "summary": "Alertmanager's webhook (payload version 4); roles alertmanager, operator",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("AlertmanagerPayload")}},
                },
                "responses": {
                    "200": _json(_ref("AlertmanagerReceipt"), "the alerts were recorded"),
                    **_errors(400, 401, 403, 503),
                },
            }
        },
        "/v1/drills": {
            "post": {
                "operationId": "start_drill",
                "description": "a DRILL incident that pages, escalates and resolves by itself",
                "requestBody": {"content": {JSON: {"schema": _ref("NewDrill")}}},
                "responses": {
                    "201": _json(_ref("Incident"), "the drill's incident"),
                    **_errors(400, 401, 403, 413, 503),
                },
            }
        },
        "/v1/notify/test": {
            "post": {
                "operationId": "notify_test",
                "description": "a marked TEST message to each channel (or one, or a role's)",
                "requestBody": {"content": {JSON: {"schema": _ref("NotifyTest")}}},
                "responses": {
                    "200": _json(array_of("TestResult"), "what each target came to"),
                    **_errors(400, 401, 403, 413),
                },
            }
        },
        "/v1/config/reload": {
            "post": {
                "operationId": "reload_config",
                "description": "read the server's config file again and apply it, as SIGHUP does",
                "responses": {
                    "200": _json(_ref("ReloadResult"), "applied, or every problem"),
                    **_errors(401, 403),
                    "409": _json(_ref("Error"), "this server has no config file to read again"),
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
            "schemas": {**SCHEMAS, **REVIEW_SCHEMAS},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
