"""RFC 9457 Problem Details for every JSON error, HTML pages for the browser, no stack traces ever."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, g, json, render_template, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://dxnode.org/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """An error a caller can act on: an HTTP status, a stable type slug, a detail and per-field errors."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        errors: Iterable[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or _default_slug(status)
        self.title = title or _default_title(status)
        self.errors = list(errors)
        self.headers = headers or {}
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        """The Problem Details members of this error."""
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if request:
            body["instance"] = request.path
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def field_error(field: str, reason: str, status: int = 422) -> Problem:
    """A validation problem about one named field."""
    return Problem(
        status, f"{field}: {reason}", slug="invalid-input", errors=[{"field": field, "reason": reason}]
    )


def not_found(what: str, identifier: str) -> Problem:
    """A 404 naming what was looked for."""
    return Problem(404, f"{what} {identifier!r} does not exist or is not visible to you", slug="not-found")


def forbidden(reason: str) -> Problem:
    """A 403 saying which permission is missing."""
    return Problem(403, reason, slug="forbidden")


def conflict(reason: str, **extra: Any) -> Problem:
    """A 409: the request is well formed but clashes with the current state."""
    return Problem(409, reason, slug="conflict", **extra)


def from_validation_error(exc: ValidationError, prefix: str = "") -> Problem:
    """Turn pydantic's errors into one 422 listing every failing field by its dotted path."""
    errors = []
    for item in exc.errors(include_url=False):
        field = ".".join(str(part) for part in (prefix, *item["loc"]) if part != "")
        errors.append({"field": field or "body", "reason": item["msg"]})
    summary = "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5])
    return Problem(422, summary, slug="invalid-input", title="Invalid input", errors=errors)


def problem_response(problem: Problem) -> Response:
    """Serialise a problem as ``application/problem+json``."""
    response = Response(json.dumps(problem.to_dict()), status=problem.status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def wants_html() -> bool:
    """True for browser pages: web blueprint requests that prefer HTML to JSON (curl's */* gets JSON)."""
    if request.blueprint != "web":
        return False
    accept = request.accept_mimetypes
    return accept["text/html"] > max(accept["application/json"], accept[PROBLEM_MEDIA_TYPE])


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Any:
        if wants_html():
            return render_template("error.html", problem=exc.to_dict()), exc.status
        return problem_response(exc)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Any:
        return _problem(from_validation_error(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        status = exc.code or 500
        problem = Problem(status, exc.description or _default_title(status), title=exc.name)
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            problem.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return _problem(problem)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        session = g.get("db_session")
        if session is not None:
            session.rollback()
        return _problem(Problem(500, "The node could not complete the request; the error has been logged."))


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    410: "Gone",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def _default_title(status: int) -> str:
    return _TITLES.get(status, "Error")


def _default_slug(status: int) -> str:
    return _default_title(status).lower().replace(" ", "-")
