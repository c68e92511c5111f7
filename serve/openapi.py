"""`GET /openapi.json`: the v1 API described by hand, from the same constants the routes use,
so a client generator and schemathesis see exactly what the server accepts and answers.

The incidents' paths are in `openapi_incidents`, review's in `openapi_review`, the schemas in
`schemas`; this module puts them together with the rest and says how to authenticate."""

from __future__ import annotations

from typing import Any

from onwatch.serve.openapi_common import (
    BEARER,
    ID,
    JSON,
    SECURITY_SCHEMES,
    SESSION,
    array_of,
    errors,
    json_answer,
    ref,
)
from onwatch.serve.openapi_incidents import incident_paths
from onwatch.serve.openapi_review import REVIEW_PATHS, REVIEW_SCHEMAS
from onwatch.serve.schemas import SCHEMAS

RUNBOOK = {
    "type": "object",
    "required": ["check", "runbook", "checklist"],
    "properties": {
        "check": {"type": "string"},
        "runbook": {"type": "string", "nullable": True},
        "checklist": {"type": "array", "items": {"type": "string"}},
    },
}


def build_openapi(version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {
        **incident_paths(),
        "/v1/health": {
            "get": {
                "operationId": "health",
                "security": [],
                "responses": {"200": json_answer(ref("Health"), "the server answers")},
            }
        },
        **REVIEW_PATHS,
        "/v1/sources": {
            "get": {
                "operationId": "list_sources",
                "responses": {
                    "200": json_answer(array_of("Source"), "every watched source"),
                    **errors(401),
                },
            }
        },
        "/v1/runbooks": {
            "get": {
                "operationId": "list_runbooks",
                "description": "each check's runbook and own checklist items, from the config",
                "responses": {
                    "200": json_answer(array_of("Runbook"), "checks that have either, by name"),
                    **errors(401),
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
                    "200": json_answer(array_of("Silence"), "silences"),
                    **errors(400, 401, 503),
                },
            },
            "post": {
                "operationId": "add_silence",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": ref("NewSilence")}},
                },
                "responses": {
                    "201": json_answer(ref("Silence"), "the new silence"),
                    **errors(400, 401, 403, 413, 503),
                },
            },
        },
        "/v1/silences/{id}": {
            "delete": {
                "operationId": "expire_silence",
                "parameters": [ID],
                "responses": {
                    "200": json_answer(ref("Silence"), "the expired silence"),
                    **errors(401, 403, 404, 409, 503),
                },
            }
        },
        "/v1/alertmanager": {
            "post": {
                "operationId": "alertmanager_webhook",
                "summary": "Alertmanager's webhook (payload version 4); roles alertmanager, operator",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": ref("AlertmanagerPayload")}},
                },
                "responses": {
                    "200": json_answer(ref("AlertmanagerReceipt"), "the alerts were recorded"),
                    **errors(400, 401, 403, 503),
                },
            }
        },
        "/v1/drills": {
            "post": {
                "operationId": "start_drill",
                "description": "a DRILL incident that pages, escalates and resolves by itself",
                "requestBody": {"content": {JSON: {"schema": ref("NewDrill")}}},
                "responses": {
                    "201": json_answer(ref("Incident"), "the drill's incident"),
                    **errors(400, 401, 403, 413, 503),
                },
            }
        },
        "/v1/notify/test": {
            "post": {
                "operationId": "notify_test",
                "description": "a marked TEST message to each channel (or one, or a role's)",
                "requestBody": {"content": {JSON: {"schema": ref("NotifyTest")}}},
                "responses": {
                    "200": json_answer(array_of("TestResult"), "what each target came to"),
                    **errors(400, 401, 403, 413),
                },
            }
        },
        "/v1/config/reload": {
            "post": {
                "operationId": "reload_config",
                "description": "read the server's config file again and apply it, as SIGHUP does",
                "responses": {
                    "200": json_answer(ref("ReloadResult"), "applied, or every problem"),
                    **errors(401, 403),
                    "409": json_answer(
                        ref("Error"), "this server has no config file to read again"
                    ),
                },
            }
        },
        "/v1/events": {
            "get": {
                "operationId": "events",
                "description": "server-sent events: hello, then incident, incidents, samples, status; `: ping` every 15 s",
                # Either a bearer token or the pages' session cookie: the wall's EventSource
                # can send only the cookie.
                "security": [{BEARER: []}, {SESSION: []}],
                "responses": {
                    "200": {
                        "description": "an event stream",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    **errors(401),
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
                    **errors(401),
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
            "schemas": {**SCHEMAS, **REVIEW_SCHEMAS, "Runbook": RUNBOOK},
            "securitySchemes": SECURITY_SCHEMES,
        },
        "security": [{BEARER: []}],
    }
