"""When to repeat a request to Stripe, and how long to wait first.

Stripe's advice: repeat what failed on the network, on 429 and on 5xx, with the same idempotency key,
after an exponential backoff; obey ``Stripe-Should-Retry`` when the answer carries it; never repeat
another 4xx, which would fail again. A 409 means an earlier request with the same idempotency key is
still running, so it is worth asking again. ``Retry-After`` (seconds) is a floor for the wait, up to a
limit, so a bogus header cannot park a worker for an hour.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["RetryPolicy"]

RETRYABLE_STATUSES = frozenset({409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to repeat a failed request and how long to wait between attempts."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    #: a number in [0, 1) for the jitter; injectable so tests can fix it
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def should_retry(self, attempt: int, status: int | None, headers: Mapping[str, str] | None) -> bool:
        """Whether to send attempt ``attempt + 1`` after ``attempt`` (0-based) answered ``status``.

        ``status`` is None when no answer arrived (connection refused, reset or timed out).
        """
        if attempt >= self.max_retries:
            return False
        if status is None:
            return True
        should = (headers or {}).get("Stripe-Should-Retry")
        if should == "true":
            return True
        if should == "false":
            return False
        return status in RETRYABLE_STATUSES or status >= 500

    def delay(self, attempt: int, headers: Mapping[str, str] | None = None) -> float:
        """Seconds to wait before retrying after attempt ``attempt`` (0-based): backoff with jitter.

        The backoff doubles from ``initial_delay`` up to ``max_delay``; the jitter takes it down to as
        little as half, so that many clients failing together do not retry together.
        """
        backoff = min(self.max_delay, self.initial_delay * 2**attempt)
        wait = backoff * (0.5 + 0.5 * self.random())
        retry_after = _retry_after(headers)
        if retry_after is not None and retry_after <= self.max_retry_after:
            wait = max(wait, retry_after)
        return wait


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    raw = (headers or {}).get("Retry-After")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        return None  # an HTTP date: Stripe sends seconds, so the backoff alone decides
    return seconds if seconds >= 0 else None
