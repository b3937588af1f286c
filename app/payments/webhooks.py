"""The check of Stripe's signed webhooks (the ``Stripe-Signature`` header).

Stripe signs each delivery with the endpoint's secret: the header ``t=<unix time>,v1=<hex>`` carries
HMAC-SHA256 over ``"<t>.<raw body>"``, and may carry several ``v1`` signatures (while a secret is being
rolled) and other schemes, which are ignored. A delivery is accepted when one ``v1`` matches, compared in
constant time, and ``t`` lies within ``tolerance`` seconds of now, either way, so a captured delivery
cannot be replayed later. The body must be verified as the bytes received, before any JSON parsing.

Verification says who sent an event, not whether it was seen before: Stripe delivers at least once, so
the receiver records the event ids it has processed and does nothing for a repeated one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

__all__ = ["DEFAULT_TOLERANCE", "SignatureError", "WebhookError", "sign", "signature", "verify"]

#: Stripe's own libraries accept five minutes of difference between the signature's time and now
DEFAULT_TOLERANCE = 300
SCHEME = "v1"


class WebhookError(ValueError):
    """A webhook delivery that must be refused (answer 400)."""


class SignatureError(WebhookError):
    """The ``Stripe-Signature`` header is missing, malformed, too old or does not match the body."""


def signature(payload: bytes, secret: str, timestamp: int) -> str:
    """The hex ``v1`` signature of ``payload`` signed at ``timestamp`` with ``secret``."""
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header value for ``payload``, as Stripe would send it (for tests and fakes)."""
    when = int(time.time()) if timestamp is None else timestamp
    return f"t={when},{SCHEME}={signature(payload, secret, when)}"


def verify(
    payload: bytes,
    signature_header: str | None,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: int | None = None,
) -> dict[str, Any]:
    """The event in ``payload`` if ``signature_header`` proves Stripe sent it recently; else raise.

    Raises :class:`SignatureError` (with the reason) for a bad signature and :class:`WebhookError` for
    a signed body that is not a JSON object.
    """
    if not secret:
        raise SignatureError("no webhook secret is configured")
    timestamp, candidates = _parse(signature_header)
    expected = signature(payload, secret, timestamp)
    # compare with every candidate, so the time taken does not tell which one came close
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected.encode(), candidate.encode())
    if not matched:
        raise SignatureError("no v1 signature matches the payload")
    current = int(time.time()) if now is None else now
    if timestamp < current - tolerance:
        raise SignatureError(f"the signature is older than {tolerance} seconds")
    if timestamp > current + tolerance:
        raise SignatureError(f"the signature's time is more than {tolerance} seconds ahead")
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise WebhookError("the payload is not JSON") from exc
    if not isinstance(event, dict):
        raise WebhookError("the payload is not a JSON object")
    return event


def _parse(header: str | None) -> tuple[int, list[str]]:
    """The timestamp and the ``v1`` signatures of a ``Stripe-Signature`` header."""
    if not header or not header.strip():
        raise SignatureError("the Stripe-Signature header is missing")
    timestamps: list[str] = []
    candidates: list[str] = []
    for element in header.split(","):
        name, equals, value = element.strip().partition("=")
        if not equals or not name:
            raise SignatureError(f"malformed Stripe-Signature element {element.strip()!r}")
        if name == "t":
            timestamps.append(value)
        elif name == SCHEME:
            candidates.append(value)
    if len(timestamps) != 1 or not timestamps[0].isascii() or not timestamps[0].isdigit():
        raise SignatureError("the Stripe-Signature header needs exactly one numeric timestamp t=")
    if not candidates:
        raise SignatureError("the Stripe-Signature header has no v1 signature")
    return int(timestamps[0]), candidates
