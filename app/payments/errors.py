"""Stripe's error objects as typed exceptions.

Stripe answers a failed request with ``{"error": {"type", "code", "message", "param", "decline_code"}}``
and an HTTP status. The class is chosen the way Stripe's own libraries choose it: by the status first
(402 is a card that was declined, 401 a bad key, 429 a rate limit, 409 a request still running under the
same idempotency key), and by the ``type`` where the status alone does not tell (``idempotency_error``,
``card_error``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "CardError",
    "IdempotencyError",
    "InvalidRequestError",
    "PermissionDeniedError",
    "RateLimitError",
    "StripeError",
    "error_from_response",
]


class StripeError(Exception):
    """A request to Stripe failed; the fields are those of Stripe's error object."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        request_id: str | None = None,
        error: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.type = type
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.request_id = request_id
        #: the whole error object as Stripe sent it (``payment_intent``, ``charge``, ``doc_url``, ...)
        self.error: dict[str, Any] = dict(error or {})

    def __str__(self) -> str:
        details = ", ".join(
            f"{name}={value}"
            for name, value in (
                ("status", self.http_status),
                ("code", self.code),
                ("param", self.param),
                ("decline_code", self.decline_code),
                ("request", self.request_id),
            )
            if value is not None
        )
        return f"{self.message} ({details})" if details else self.message


class CardError(StripeError):
    """The card was declined (HTTP 402); ``code`` and ``decline_code`` say why."""


class InvalidRequestError(StripeError):
    """The request was wrong (HTTP 400 or 404); ``param`` names the parameter when Stripe says which."""


class AuthenticationError(StripeError):
    """The API key is missing or wrong (HTTP 401)."""


class PermissionDeniedError(StripeError):
    """The API key may not do this (HTTP 403)."""


class RateLimitError(StripeError):
    """Too many requests (HTTP 429), still failing after the client's retries."""


class IdempotencyError(StripeError):
    """The idempotency key was used with other parameters, or its first request is still running (409)."""


class APIError(StripeError):
    """Stripe failed (5xx) or answered something that is not a Stripe response."""


class APIConnectionError(StripeError):
    """Stripe could not be reached, or the connection broke before an answer arrived."""


_BY_STATUS: dict[int, type[StripeError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: CardError,
    403: PermissionDeniedError,
    404: InvalidRequestError,
    409: IdempotencyError,
    429: RateLimitError,
}


def error_from_response(status: int, body: Any, request_id: str | None = None) -> StripeError:
    """The exception for a failed response with HTTP ``status`` and decoded JSON ``body`` (or None)."""
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        return APIError(
            f"Stripe answered HTTP {status} without an error object",
            http_status=status,
            request_id=request_id,
        )
    kind = error.get("type")
    if kind == "idempotency_error":
        cls: type[StripeError] = IdempotencyError
    elif kind == "card_error":
        cls = CardError
    else:
        cls = _BY_STATUS.get(status, APIError)
    return cls(
        str(error.get("message") or f"Stripe answered HTTP {status}"),
        http_status=status,
        type=_text(error.get("type")),
        code=_text(error.get("code")),
        param=_text(error.get("param")),
        decline_code=_text(error.get("decline_code")),
        request_id=request_id,
        error=error,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
