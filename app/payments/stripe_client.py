"""A small Stripe client on ``requests``: customers, PaymentIntents, refunds and Connect transfers.

Every POST carries an ``Idempotency-Key`` chosen by the caller and derived from our own identifiers
(``invoice:<id>:payment_intent``), so that repeating an operation, by a retry here or by a job run twice,
never moves money twice: Stripe answers a repeated key with the first answer for 24 hours. Failures on
the network, 409, 429 and 5xx are retried with the same key (see :mod:`app.payments.retry`); Stripe's
error objects become the exceptions of :mod:`app.payments.errors`. Answers are Stripe's JSON objects as
plain dicts; amounts are integers of minor units, in and out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from .errors import APIConnectionError, APIError, StripeError, error_from_response
from .form import encode
from .retry import RetryPolicy

__all__ = ["StripeClient", "StripeObject"]

#: a Stripe API object (``{"id": ..., "object": "payment_intent", ...}``) as decoded from JSON
StripeObject = dict[str, Any]

USER_AGENT = "dxnode-stripe/1"


class StripeClient:
    """Talks to Stripe's REST API (or a server that speaks it, such as localstripe in the tests)."""

    def __init__(
        self,
        api_key: str,
        base_url: str = "https://api.stripe.com",
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        api_version: str | None = None,
        session: requests.Session | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key:
            raise ValueError("a Stripe API key is required")
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.api_version = api_version
        self.session = session or requests.Session()
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.sleep = sleep

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], **options: Any) -> StripeClient:
        """A client configured by the node's ``STRIPE_API_KEY`` and ``STRIPE_API_BASE`` settings."""
        api_key = settings.get("STRIPE_API_KEY")
        if not api_key:
            raise ValueError("STRIPE_API_KEY is not set: payments through Stripe are not configured")
        base_url = settings.get("STRIPE_API_BASE") or "https://api.stripe.com"
        return cls(str(api_key), base_url=str(base_url), **options)

    # -- customers ------------------------------------------------------------------------------------

    def create_customer(
        self,
        *,
        idempotency_key: str,
        name: str | None = None,
        email: str | None = None,
        description: str | None = None,
        payment_method: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> StripeObject:
        """Create the Stripe customer of a consumer organisation."""
        params = {
            "name": name,
            "email": email,
            "description": description,
            "payment_method": payment_method,
            "metadata": metadata,
        }
        return self.request("POST", "/v1/customers", params, idempotency_key=idempotency_key)

    def retrieve_customer(self, customer_id: str) -> StripeObject:
        """The customer ``customer_id``."""
        return self.request("GET", f"/v1/customers/{_id(customer_id)}")

    def attach_payment_method(
        self, payment_method: str, *, customer: str, idempotency_key: str
    ) -> StripeObject:
        """Attach a payment method to a customer, so that later PaymentIntents may charge it."""
        return self.request(
            "POST",
            f"/v1/payment_methods/{_id(payment_method)}/attach",
            {"customer": customer},
            idempotency_key=idempotency_key,
        )

    # -- payment intents ------------------------------------------------------------------------------

    def create_payment_intent(
        self,
        *,
        amount: int,
        currency: str,
        idempotency_key: str,
        customer: str | None = None,
        payment_method: str | None = None,
        confirm: bool | None = None,
        off_session: bool | None = None,
        description: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> StripeObject:
        """Create a PaymentIntent for ``amount`` minor units; with ``confirm=True`` it is charged at once.

        A declined card raises :class:`CardError`; the PaymentIntent then exists, in
        ``requires_payment_method``.
        """
        params = {
            "amount": _amount(amount),
            "currency": _currency(currency),
            "customer": customer,
            "payment_method": payment_method,
            "confirm": confirm,
            "off_session": off_session,
            "description": description,
            "metadata": metadata,
        }
        return self.request("POST", "/v1/payment_intents", params, idempotency_key=idempotency_key)

    def confirm_payment_intent(
        self, payment_intent: str, *, idempotency_key: str, payment_method: str | None = None
    ) -> StripeObject:
        """Confirm (charge) a PaymentIntent."""
        return self.request(
            "POST",
            f"/v1/payment_intents/{_id(payment_intent)}/confirm",
            {"payment_method": payment_method},
            idempotency_key=idempotency_key,
        )

    def cancel_payment_intent(self, payment_intent: str, *, idempotency_key: str) -> StripeObject:
        """Cancel a PaymentIntent that has not been charged."""
        return self.request(
            "POST", f"/v1/payment_intents/{_id(payment_intent)}/cancel", idempotency_key=idempotency_key
        )

    def retrieve_payment_intent(self, payment_intent: str) -> StripeObject:
        """The PaymentIntent ``payment_intent``, with its status."""
        return self.request("GET", f"/v1/payment_intents/{_id(payment_intent)}")

    # -- refunds --------------------------------------------------------------------------------------

    def create_refund(
        self,
        *,
        payment_intent: str,
        idempotency_key: str,
        amount: int | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> StripeObject:
        """Refund a paid PaymentIntent: all of it, or ``amount`` minor units of it."""
        params = {
            "payment_intent": payment_intent,
            "amount": None if amount is None else _amount(amount),
            "metadata": metadata,
        }
        return self.request("POST", "/v1/refunds", params, idempotency_key=idempotency_key)

    # -- Connect transfers ----------------------------------------------------------------------------

    def create_transfer(
        self,
        *,
        amount: int,
        currency: str,
        destination: str,
        idempotency_key: str,
        transfer_group: str | None = None,
        source_transaction: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> StripeObject:
        """Pay ``amount`` minor units out to a provider's connected account ``destination`` (``acct_...``)."""
        params = {
            "amount": _amount(amount),
            "currency": _currency(currency),
            "destination": destination,
            "transfer_group": transfer_group,
            "source_transaction": source_transaction,
            "description": description,
            "metadata": metadata,
        }
        return self.request("POST", "/v1/transfers", params, idempotency_key=idempotency_key)

    # -- the HTTP exchange ----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> StripeObject:
        """Send one API request, retrying as :class:`RetryPolicy` says, and return the decoded object.

        Every POST needs an idempotency key: it is what makes a retry safe.
        """
        method = method.upper()
        if method == "POST" and not idempotency_key:
            raise ValueError(f"POST {path} needs an idempotency key")
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if self.api_version:
            headers["Stripe-Version"] = self.api_version
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        body = encode(params or {})
        url = self.base_url + path
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body:
            url = f"{url}?{body}"

        attempt = 0
        while True:
            try:
                response = self.session.request(
                    method,
                    url,
                    data=body if method == "POST" else None,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                if not self.retry_policy.should_retry(attempt, None, None):
                    raise APIConnectionError(f"could not reach Stripe: {exc}") from exc
                self.sleep(self.retry_policy.delay(attempt))
                attempt += 1
                continue
            if 200 <= response.status_code < 300:
                return _decoded(response)
            if not self.retry_policy.should_retry(attempt, response.status_code, response.headers):
                raise _error(response)
            self.sleep(self.retry_policy.delay(attempt, response.headers))
            attempt += 1


def _decoded(response: requests.Response) -> StripeObject:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise APIError(
            f"Stripe answered HTTP {response.status_code} with something other than a JSON object",
            http_status=response.status_code,
            request_id=response.headers.get("Request-Id"),
        )
    return body


def _error(response: requests.Response) -> StripeError:
    try:
        body = response.json()
    except ValueError:
        body = None
    return error_from_response(response.status_code, body, response.headers.get("Request-Id"))


def _amount(amount: int) -> int:
    """Amounts are positive integers of minor units; a float or a bool here is a bug upstream."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError(f"amount must be a positive integer of minor units, not {amount!r}")
    return amount


def _currency(currency: str) -> str:
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        raise ValueError(f"currency must be an ISO 4217 code, not {currency!r}")
    return currency.lower()


def _id(identifier: str) -> str:
    """An object id as one path segment; anything else would address another resource."""
    if not identifier or not all(ch.isalnum() or ch == "_" for ch in identifier):
        raise ValueError(f"not a Stripe object id: {identifier!r}")
    return identifier
