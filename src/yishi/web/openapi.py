"""The OpenAPI 3.1 document, generated from the command classes and the query routes.

Each command's request body is the JSON Schema of its attrs fields (web/schema.py);
a field added to a command appears here without an edit.
"""

from __future__ import annotations

from typing import Any

from yishi.web.schema import COMMANDS, command_schema

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "stable; match on it"},
                "rule": {"type": "string", "description": "the rule-set key that forbids it"},
                "field": {"type": "string", "description": "the request field concerned"},
                "message": {
                    "type": "object",
                    "required": ["zh", "en"],
                    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
                },
                "errors": {"type": "array", "items": {"type": "object"}},
                "people": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "the ids of the people the message names, in its order",
                },
            },
        }
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "malformed JSON",
        401: "no or wrong credentials",
        403: "this identity may not ask for this (web role, or the rule set's authority)",
        404: "no such community, matter or notice",
        409: "the engine refused it: an unknown id, or not allowed now (the message says why, with its numbers)",
        422: "the request does not match this document (the error names the field)",
        429: "too many submissions from this client; see Retry-After",
        503: "the log is busy; try again",
    }
    return {
        str(c): {
            "description": words[c],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for c in codes
    }


COMMUNITY = {"name": "community", "in": "path", "required": True, "schema": {"type": "string"}}
LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["zh", "en"]},
}
PAGE = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{1,9}$"}},
]


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _get(
    summary: str, params: list[dict[str, Any]], schema: dict[str, Any], *errs: int
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": [COMMUNITY, LANG, *params],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
                **_errors(404, *errs),
            },
        }
    }


def _paged(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "next"],
        "properties": {
            "items": {"type": "array", "items": item},
            "total": {"type": "integer"},
            "next": {"type": ["string", "null"]},
        },
    }


def document(title: str = "yishi 议事 API") -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR}
    paths: dict[str, Any] = {}
    prefix = "/api/v1/c/{community}"
    for name, cls in COMMANDS.items():
        schema = command_schema(cls, components)
        components[cls.__name__] = schema
        paths[f"{prefix}/commands/{name}"] = {
            "post": {
                "operationId": name,
                "summary": (cls.__doc__ or cls.__name__).strip().splitlines()[0],
                "security": [{"token": []}, {"portal": []}],
                "parameters": [
                    COMMUNITY,
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "description": "a retried request with the same key is recorded once",
                        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{cls.__name__}"}
                        },
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["command"],
                                "properties": {
                                    "command": {"$ref": f"#/components/schemas/{cls.__name__}"},
                                    "evidence": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "binary"},
                                        "maxItems": 20,
                                    },
                                    # what each file shows, in the same order (extra notes are ignored)
                                    "note": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                            # the command as a JSON part, the files beside it
                            "encoding": {"command": {"contentType": "application/json"}},
                        },
                    },
                },
                "responses": {
                    "201": {
                        "description": "recorded: the events appended, and the log's position",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(400, 401, 403, 404, 409, 422, 429, 503),
                },
            }
        }
    obj = {"type": "object"}
    paths[f"{prefix}/matters"] = _get("matters, newest first", PAGE, _paged(obj), 422)
    paths[f"{prefix}/matters/{{matter}}"] = _get("one matter", [_id("matter")], obj)
    paths[f"{prefix}/matters/{{matter}}/timeline"] = _get(
        "a matter's public timeline", [_id("matter"), *PAGE], _paged(obj), 422
    )
    paths[f"{prefix}/suggestions/{{suggestion}}"] = _get(
        "a suggestion and the matter it became", [_id("suggestion")], obj
    )
    paths[f"{prefix}/disclosures"] = _get(
        "disclosure documents (yishi-disclosure JSON), newest first", PAGE, _paged(obj), 422
    )
    paths[f"{prefix}/disclosures/{{disclosure}}"] = _get(
        "one disclosure document", [_id("disclosure")], obj
    )
    board = _get(
        "the board: current and past notices, matters; ETag, If-None-Match → 304",
        [{"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
        obj,
    )
    board["get"]["responses"]["304"] = {"description": "not changed since the ETag given"}
    paths[f"{prefix}/board"] = board
    day = {"type": "string", "format": "date"}
    paths[f"{prefix}/stats"] = _get(
        "figures per council for a period (yishi-stats/1; docs/stats.md)",
        [
            {"name": "from", "in": "query", "schema": day},
            {"name": "to", "in": "query", "schema": day},
        ],
        obj,
        422,
    )
    paths[f"{prefix}/verify"] = _get(
        "find the notice a verification code belongs to",
        [
            {
                "name": "code",
                "in": "query",
                "required": True,
                # Crockford base32 as printed (7K3M-Q9TD); O, I and L read as 0, 1, 1
                "schema": {
                    "type": "string",
                    "pattern": "^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-zOoIiLl]{4}-?[0-9A-HJKMNP-TV-Za-hjkmnp-tv-zOoIiLl]{4}$",
                },
            }
        ],
        obj,
        422,
    )
    paths[f"{prefix}/me"] = _get("who the credentials name, and their roles", [], obj, 401)
    events = _get(
        "server-sent events: 'changed' with the position and matter, as the log moves",
        [
            {"name": "matter", "in": "query", "schema": {"type": "string"}},
            {
                "name": "timeout",
                "in": "query",
                "schema": {"type": "integer", "minimum": 0, "maximum": 3600},
            },
            {
                "name": "Last-Event-ID",
                "in": "header",
                "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
            },
        ],
        obj,
    )
    events["get"]["responses"]["200"]["content"] = {
        "text/event-stream": {"schema": {"type": "string"}}
    }
    paths[f"{prefix}/events"] = events
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": "1",
            "description": "Every command of the engine, and the public queries. "
            "Errors carry a stable code, the rule-set key and a message in Chinese and English.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer"},
                "portal": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Yishi-Signature",
                    "description": "HMAC-SHA256 of actor + '\\n' + timestamp with the portal "
                    "secret, with X-Yishi-Actor and X-Yishi-Timestamp (docs/embedding.md)",
                },
            },
        },
    }
