"""Declaring JSON operations: authentication, input validation and output shaping in one decorator.

Each view states its scopes, its body and query models and its responses; the decorator enforces them
and records them, and ``openapi.py`` builds the OpenAPI 3.1 document from the same records, so the
document cannot drift from what the views do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, g, json, request
from pydantic import BaseModel, TypeAdapter, ValidationError

from .. import scopes as registry
from ..errors import Problem, from_validation_error
from ..oauth.resource import authenticate, bearer_token, insufficient_scope


@dataclass
class Operation:
    """What one endpoint accepts and answers."""

    summary: str
    tag: str
    description: str = ""
    scopes: list[str] | None = None  # None: public; []: any valid token
    resource: str = registry.API
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None  # a pydantic model or a type such as list[Model]; None for an empty body
    status: int = 200
    errors: set[int] = field(default_factory=set)
    media_type: str = "application/json"
    optional_auth: bool = False  # public, but a bearer token (if sent) is checked and shows more
    body_optional: bool = False  # an empty body stands for ``{}``
    raw_body: tuple[str, ...] = ()  # media types of a non-JSON body the view reads itself (files, RDF)


def operation(**spec: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Make a function a documented JSON operation (see :class:`Operation` for the fields)."""
    op = Operation(**spec)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        adapter = TypeAdapter(op.response) if op.response is not None else None

        @functools.wraps(fn)
        def view(**path: Any) -> Any:
            kwargs: dict[str, Any] = dict(path)
            if op.scopes is not None:
                actor = authenticate(op.resource)
                missing = [s for s in op.scopes if not actor.has_scope(s)]
                if missing:
                    raise insufficient_scope(missing)
                g.actor = kwargs["actor"] = actor
            elif op.optional_auth:
                kwargs["actor"] = authenticate(op.resource) if bearer_token() else None
            if op.query is not None:
                kwargs["query"] = _parse_query(op.query)
            if op.body is not None:
                kwargs["body"] = _parse_body(op.body, op.body_optional)
            result = fn(**kwargs)
            if isinstance(result, Response):
                return result
            headers: dict[str, str] = {}
            if isinstance(result, tuple):
                result, headers = result
            if adapter is None:
                return Response(status=op.status, headers=headers)
            payload = adapter.dump_json(adapter.validate_python(result, from_attributes=True))
            return Response(payload, status=op.status, mimetype=op.media_type, headers=headers)

        view.operation = op  # type: ignore[attr-defined]
        return view

    return decorate


def _parse_body(model: type[BaseModel], optional: bool = False) -> BaseModel:
    if optional and not request.get_data(cache=True):
        return model.model_validate({})
    if not request.is_json:
        raise Problem(415, "send the body as application/json", slug="unsupported-media-type")
    try:
        data = json.loads(request.get_data(cache=True) or b"null")
    except ValueError as exc:
        raise Problem(
            400,
            f"the body is not valid JSON: {exc}",
            slug="malformed-json",
            errors=[{"field": "body", "reason": "not valid JSON"}],
        ) from exc
    _refuse_nul(data, "")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from exc


def _parse_query(model: type[BaseModel]) -> BaseModel:
    data: dict[str, Any] = {}
    for name in request.args:
        values = request.args.getlist(name)
        data[name] = values if len(values) > 1 else values[0]
    _refuse_nul(data, "query")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, prefix="query") from exc


def _refuse_nul(data: Any, path: str) -> None:
    """Refuse NUL characters anywhere in the input: no text column can store them (PostgreSQL refuses)."""
    if isinstance(data, str):
        if "\x00" in data:
            field = path or "body"
            raise Problem(
                422,
                f"{field}: NUL characters are not accepted",
                slug="invalid-input",
                title="Invalid input",
                errors=[{"field": field, "reason": "NUL characters are not accepted"}],
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            _refuse_nul(key, path)
            _refuse_nul(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_nul(value, f"{path}.{index}" if path else str(index))
