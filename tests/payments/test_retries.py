"""Retries with backoff, through a fault-injecting proxy in front of the real localstripe server.

The proxy answers the first requests with scripted failures and forwards the rest, so each test sees
both what the client sent on every attempt and what reached the Stripe-compatible server behind it.
The client's waits are recorded, not slept.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest

from app.payments import (
    APIConnectionError,
    APIError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    StripeClient,
    StripeError,
)
from tests.support.localstripe import API_KEY
from tests.support.stripe_faults import Fault, FaultyProxy


@pytest.fixture
def proxy(localstripe_url: str) -> Iterator[FaultyProxy]:
    """A proxy to localstripe with no faults yet: a test adds them to ``proxy.faults``."""
    with FaultyProxy(localstripe_url) as running:
        yield running


def client_for(url: str, sleeps: list[float], *, max_retries: int = 2, jitter: float = 1.0) -> StripeClient:
    """A client whose jitter is fixed (1.0: the full backoff) and whose waits go to ``sleeps``."""
    policy = RetryPolicy(max_retries=max_retries, random=lambda: jitter)
    return StripeClient(API_KEY, base_url=url, retry_policy=policy, sleep=sleeps.append)


def test_server_errors_are_retried_with_the_same_idempotency_key(proxy: FaultyProxy):
    sleeps: list[float] = []
    proxy.faults += [Fault(500), Fault(503)]
    key = f"org:{uuid.uuid4()}:customer"
    created = client_for(proxy.url, sleeps).create_customer(idempotency_key=key, name="Retried Ltd")

    assert len(proxy.requests) == 3
    assert {r.headers["Idempotency-Key"] for r in proxy.requests} == {key}
    assert len({r.body for r in proxy.requests}) == 1, "every attempt sends the same parameters"
    assert len(proxy.forwarded()) == 1, "only the last attempt reached the server"
    assert sleeps == [0.5, 1.0]
    assert client_for(proxy.url, []).retrieve_customer(created["id"])["name"] == "Retried Ltd"


def test_retry_after_sets_the_least_wait(proxy: FaultyProxy):
    sleeps: list[float] = []
    proxy.faults.append(
        Fault(429, {"Retry-After": "3"}, {"error": {"type": "rate_limit_error", "message": "slow"}})
    )
    client_for(proxy.url, sleeps).create_customer(idempotency_key=f"k:{uuid.uuid4()}")
    assert sleeps == [3.0]
    assert len(proxy.requests) == 2


def test_an_unreasonable_retry_after_falls_back_to_the_backoff(proxy: FaultyProxy):
    sleeps: list[float] = []
    proxy.faults.append(Fault(429, {"Retry-After": "3600"}))
    client_for(proxy.url, sleeps).create_customer(idempotency_key=f"k:{uuid.uuid4()}")
    assert sleeps == [0.5]


def test_backoff_doubles_and_jitter_takes_off_up_to_half(proxy: FaultyProxy):
    full: list[float] = []
    proxy.faults += [Fault(502)] * 4
    client_for(proxy.url, full, max_retries=4).request("GET", "/v1/customers", {"limit": 1})
    assert full == [0.5, 1.0, 2.0, 4.0]

    least: list[float] = []
    proxy.faults += [Fault(502)] * 2
    client_for(proxy.url, least, jitter=0.0).request("GET", "/v1/customers", {"limit": 1})
    assert least == [0.25, 0.5]


def test_after_the_last_retry_the_error_is_raised(proxy: FaultyProxy):
    sleeps: list[float] = []
    proxy.faults += [Fault(500, {"Request-Id": "req_123"})] * 3
    with pytest.raises(APIError) as failed:
        client_for(proxy.url, sleeps).create_customer(idempotency_key=f"k:{uuid.uuid4()}")
    assert failed.value.http_status == 500
    assert failed.value.request_id == "req_123"
    assert len(proxy.requests) == 3
    assert proxy.forwarded() == []
    assert len(sleeps) == 2


def test_stripe_should_retry_false_stops_at_once(proxy: FaultyProxy):
    sleeps: list[float] = []
    proxy.faults.append(Fault(500, {"Stripe-Should-Retry": "false"}))
    with pytest.raises(APIError):
        client_for(proxy.url, sleeps).create_customer(idempotency_key=f"k:{uuid.uuid4()}")
    assert len(proxy.requests) == 1
    assert sleeps == []


def test_stripe_should_retry_true_retries_even_a_4xx(proxy: FaultyProxy):
    proxy.faults.append(Fault(400, {"Stripe-Should-Retry": "true"}))
    client_for(proxy.url, []).create_customer(idempotency_key=f"k:{uuid.uuid4()}")
    assert len(proxy.requests) == 2


def test_a_request_still_running_under_the_same_key_is_asked_again(proxy: FaultyProxy):
    in_progress = {
        "error": {
            "type": "idempotency_error",
            "code": "idempotency_key_in_use",
            "message": "There is currently another in-progress request using this Idempotent Key.",
        }
    }
    proxy.faults.append(Fault(409, body=in_progress))
    key = f"k:{uuid.uuid4()}"
    client_for(proxy.url, []).create_customer(idempotency_key=key)
    assert [r.headers["Idempotency-Key"] for r in proxy.requests] == [key, key]


def test_a_dropped_connection_is_retried_and_creates_one_object(proxy: FaultyProxy):
    sleeps: list[float] = []
    proxy.faults.append(Fault.drop())
    key = f"invoice:{uuid.uuid4()}:payment_intent"
    intent = client_for(proxy.url, sleeps).create_payment_intent(
        amount=4_200, currency="eur", payment_method="pm_card_visa", confirm=True, idempotency_key=key
    )
    assert intent["status"] == "succeeded"
    assert [r.headers["Idempotency-Key"] for r in proxy.requests] == [key, key]
    assert len(proxy.forwarded()) == 1
    assert len(sleeps) == 1


def test_an_unreachable_server_raises_a_connection_error():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    sleeps: list[float] = []
    with pytest.raises(APIConnectionError, match="could not reach Stripe"):
        client_for(f"http://127.0.0.1:{port}", sleeps).retrieve_customer("cus_x")
    assert len(sleeps) == 2


ERRORS = [
    (
        400,
        {"type": "invalid_request_error", "message": "Missing amount", "param": "amount"},
        InvalidRequestError,
    ),
    (402, {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds"}, CardError),
    (403, {"type": "invalid_request_error", "message": "Restricted key"}, PermissionDeniedError),
    (
        400,
        {"type": "idempotency_error", "message": "Keys can only be used with the same parameters"},
        IdempotencyError,
    ),
]


@pytest.mark.parametrize(("status", "error", "expected"), ERRORS)
def test_client_errors_are_typed_and_not_retried(
    proxy: FaultyProxy, status: int, error: dict[str, str], expected: type[StripeError]
):
    sleeps: list[float] = []
    proxy.faults.append(Fault(status, body={"error": error}))
    with pytest.raises(expected) as raised:
        client_for(proxy.url, sleeps).create_customer(idempotency_key=f"k:{uuid.uuid4()}")
    assert raised.value.http_status == status
    assert raised.value.type == error["type"]
    assert raised.value.param == error.get("param")
    assert raised.value.decline_code == error.get("decline_code")
    assert len(proxy.requests) == 1
    assert sleeps == []


def test_a_rate_limit_that_lasts_raises_rate_limit_error(proxy: FaultyProxy):
    proxy.faults += [Fault(429, body={"error": {"type": "rate_limit_error", "message": "Too many"}})] * 3
    with pytest.raises(RateLimitError, match="Too many"):
        client_for(proxy.url, []).create_customer(idempotency_key=f"k:{uuid.uuid4()}")


def test_an_answer_that_is_not_stripe_json_is_an_api_error(proxy: FaultyProxy):
    proxy.faults.append(
        Fault(502, {"Stripe-Should-Retry": "false", "Content-Type": "text/html"}, raw=b"<h1>")
    )
    with pytest.raises(APIError, match="without an error object"):
        client_for(proxy.url, []).create_customer(idempotency_key=f"k:{uuid.uuid4()}")
