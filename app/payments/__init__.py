"""Payments through Stripe's API: a small client on ``requests`` and the check of signed webhooks.

A pure library: it imports neither Flask nor the database, so the billing services call it with plain
values and it can be tested alone, against a local Stripe-compatible server.
"""

from .errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitError,
    StripeError,
)
from .retry import RetryPolicy
from .stripe_client import StripeClient, StripeObject
from .webhooks import SignatureError, WebhookError

__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "CardError",
    "IdempotencyError",
    "InvalidRequestError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "SignatureError",
    "StripeClient",
    "StripeError",
    "StripeObject",
    "WebhookError",
]
