"""The OpenAPI 3.1 document, built from the operations the views declare."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from pydantic import BaseModel, TypeAdapter

from .. import scopes as registry
from ..errors import PROBLEM_MEDIA_TYPE
from ..schemas.common import ProblemOut
from .operations import Operation

_PATH_PARAM = re.compile(r"<(?:[a-z]+:)?([a-zA-Z_]+)>")
_REASONS = {
    400: "Malformed request",
    401: "Missing, invalid, expired or revoked access token",
    403: "The token or its holder lacks a permission",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with the current state",
    415: "The body is not JSON",
    422: "Invalid input; `errors` names each field",
}


def build_document(app: Flask) -> dict[str, Any]:
    """Collect every declared operation of the app into an OpenAPI 3.1 document."""
    base = app.config["BASE_URL"]
    schemas: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op: Operation | None = getattr(app.view_functions[rule.endpoint], "operation", None)
        if op is None:
            continue
        path = _PATH_PARAM.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                op, rule.endpoint, rule.arguments, schemas
            )
    schemas["Problem"] = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dxnode JSON API",
            "version": "1",
            "description": (
                "The JSON API of a dxnode data-exchange node. Protected operations take an OAuth 2 bearer "
                "access token from this node's authorization server (see "
                "/.well-known/oauth-authorization-server). Every error is RFC 9457 Problem Details."
            ),
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {"tokenUrl": f"{base}/oauth/token", "scopes": _scope_docs()},
                        "authorizationCode": {
                            "authorizationUrl": f"{base}/oauth/authorize",
                            "tokenUrl": f"{base}/oauth/token",
                            "refreshUrl": f"{base}/oauth/token",
                            "scopes": _scope_docs(),
                        },
                    },
                }
            },
        },
    }


def _scope_docs() -> dict[str, str]:
    return {name: scope.description for name, scope in registry.SCOPES.items()}


def _operation(op: Operation, endpoint: str, arguments: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": endpoint.replace(".", "_"),
        "summary": op.summary,
        "tags": [op.tag],
        "responses": {},
    }
    if op.description:
        doc["description"] = op.description
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in sorted(arguments)
    ]
    errors = set(op.errors)
    if op.query is not None:
        parameters += _query_parameters(op.query, schemas)
        errors.add(422)
    if parameters:
        doc["parameters"] = parameters
    if arguments:
        errors.add(404)
    if op.body is not None:
        doc["requestBody"] = {
            "required": not op.body_optional,
            "content": {"application/json": {"schema": _schema(op.body, schemas, "validation")}},
        }
        errors |= {400, 415, 422}
    if op.raw_body:
        binary = {"schema": {"type": "string", "format": "binary"}}
        doc["requestBody"] = {"required": True, "content": dict.fromkeys(op.raw_body, binary)}
        errors.add(400)
    if op.scopes is not None:
        doc["security"] = [{"oauth2": op.scopes}]
        errors |= {401, 403}
    elif op.optional_auth:
        doc["security"] = [{}, {"oauth2": []}]
        errors.add(401)
    if op.response is None:
        doc["responses"][str(op.status)] = {"description": "Done"}
    else:
        doc["responses"][str(op.status)] = {
            "description": "OK",
            "content": {op.media_type: {"schema": _schema(op.response, schemas, "serialization")}},
        }
    for status in sorted(errors):
        doc["responses"][str(status)] = {
            "description": _REASONS.get(status, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return doc


def _schema(tp: Any, schemas: dict[str, Any], mode: str) -> dict[str, Any]:
    """The JSON Schema of a type (as accepted, or as answered), its models moved into components."""
    schema = TypeAdapter(tp).json_schema(ref_template="#/components/schemas/{model}", mode=mode)  # type: ignore[arg-type]
    for name, definition in schema.pop("$defs", {}).items():
        schemas[name] = definition
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        schemas[tp.__name__] = schema
        return {"$ref": f"#/components/schemas/{tp.__name__}"}
    return schema


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        schemas[name] = definition
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in schema.get("properties", {}).items()
    ]
