"""The Stripe client against the real localstripe server: customers, payments, declines, refunds."""

from __future__ import annotations

import uuid

import pytest
import requests

from app.payments import (
    AuthenticationError,
    CardError,
    InvalidRequestError,
    StripeClient,
)
from tests.support.localstripe import API_KEY


def key(purpose: str) -> str:
    """An idempotency key as the billing code derives them, unique to this test run."""
    return f"test:{uuid.uuid4()}:{purpose}"


def test_a_consumer_organisation_becomes_a_customer(stripe_client: StripeClient):
    created = stripe_client.create_customer(
        idempotency_key=key("customer"),
        name="Acme Analytics",
        email="billing@acme.example",
        metadata={"organization": "org-42", "note": "a&b=c [x]"},
    )
    assert created["id"].startswith("cus_")
    fetched = stripe_client.retrieve_customer(created["id"])
    assert fetched["name"] == "Acme Analytics"
    assert fetched["email"] == "billing@acme.example"
    assert fetched["metadata"] == {"organization": "org-42", "note": "a&b=c [x]"}


def test_an_invoice_is_collected_with_a_confirmed_payment_intent(stripe_client: StripeClient):
    customer = stripe_client.create_customer(idempotency_key=key("customer"), name="Payer")
    intent = stripe_client.create_payment_intent(
        amount=12_345,
        currency="EUR",
        customer=customer["id"],
        payment_method="pm_card_visa",
        confirm=True,
        metadata={"invoice": "inv-1"},
        idempotency_key=key("payment_intent"),
    )
    assert intent["status"] == "succeeded"
    assert intent["amount"] == 12_345
    assert isinstance(intent["amount"], int)
    assert intent["currency"] == "eur"
    assert intent["metadata"] == {"invoice": "inv-1"}
    assert stripe_client.retrieve_payment_intent(intent["id"])["status"] == "succeeded"


def test_a_payment_intent_is_confirmed_in_a_second_step(stripe_client: StripeClient):
    intent = stripe_client.create_payment_intent(
        amount=500, currency="eur", payment_method="pm_card_visa", idempotency_key=key("payment_intent")
    )
    assert intent["status"] == "requires_confirmation"
    confirmed = stripe_client.confirm_payment_intent(intent["id"], idempotency_key=key("confirm"))
    assert confirmed["status"] == "succeeded"


def test_a_payment_intent_not_charged_can_be_cancelled(stripe_client: StripeClient):
    intent = stripe_client.create_payment_intent(
        amount=500, currency="eur", payment_method="pm_card_visa", idempotency_key=key("payment_intent")
    )
    cancelled = stripe_client.cancel_payment_intent(intent["id"], idempotency_key=key("cancel"))
    assert cancelled["status"] == "canceled"


def test_a_declined_card_raises_card_error(stripe_client: StripeClient):
    with pytest.raises(CardError) as declined:
        stripe_client.create_payment_intent(
            amount=2_000,
            currency="eur",
            payment_method="pm_card_chargeCustomerFail",
            confirm=True,
            idempotency_key=key("payment_intent"),
        )
    assert declined.value.http_status == 402
    assert declined.value.code == "card_declined"
    assert "declined" in declined.value.message


def test_a_refund_returns_all_of_a_payment(stripe_client: StripeClient):
    intent = stripe_client.create_payment_intent(
        amount=9_999, currency="eur", payment_method="pm_card_visa", confirm=True, idempotency_key=key("pi")
    )
    refund = stripe_client.create_refund(payment_intent=intent["id"], idempotency_key=key("refund"))
    assert refund["id"].startswith("re_")
    assert refund["amount"] == 9_999
    assert refund["status"] == "succeeded"


def test_partial_refunds_add_up(stripe_client: StripeClient):
    intent = stripe_client.create_payment_intent(
        amount=10_000, currency="eur", payment_method="pm_card_visa", confirm=True, idempotency_key=key("pi")
    )
    first = stripe_client.create_refund(payment_intent=intent["id"], amount=2_500, idempotency_key=key("r1"))
    second = stripe_client.create_refund(payment_intent=intent["id"], amount=500, idempotency_key=key("r2"))
    assert (first["amount"], second["amount"]) == (2_500, 500)
    charge = stripe_client.request("GET", f"/v1/charges/{first['charge']}")
    assert charge["amount_refunded"] == 3_000
    assert charge["refunded"] is False


def test_a_failed_payment_cannot_be_refunded(stripe_client: StripeClient):
    with pytest.raises(CardError):
        stripe_client.create_payment_intent(
            amount=700,
            currency="eur",
            payment_method="pm_card_chargeCustomerFail",
            customer=stripe_client.create_customer(idempotency_key=key("c"))["id"],
            confirm=True,
            idempotency_key=key("pi"),
        )
    intents = stripe_client.request("GET", "/v1/payment_intents", {"limit": 100})["data"]
    failed = next(i for i in intents if i["amount"] == 700 and i["status"] == "requires_payment_method")
    with pytest.raises(InvalidRequestError, match="failed payment") as refused:
        stripe_client.create_refund(payment_intent=failed["id"], idempotency_key=key("refund"))
    assert refused.value.http_status == 400


def test_an_unknown_object_is_an_invalid_request(stripe_client: StripeClient):
    with pytest.raises(InvalidRequestError) as missing:
        stripe_client.retrieve_customer("cus_doesnotexist")
    assert missing.value.http_status == 404


def test_a_wrong_key_is_an_authentication_error(localstripe_url: str, stripe_sleeps: list[float]):
    client = StripeClient("not-a-secret-key", base_url=localstripe_url, sleep=stripe_sleeps.append)
    with pytest.raises(AuthenticationError) as refused:
        client.retrieve_customer("cus_any")
    assert refused.value.http_status == 401
    assert stripe_sleeps == [], "a 401 is not retried"


def test_the_client_sends_bearer_auth_and_form_bodies(localstripe_url: str):
    """What goes over the wire, seen from a session hook that keeps each prepared request."""
    sent: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: sent.append(response.request))
    client = StripeClient("sk_test_wire", base_url=localstripe_url, session=session, api_version="2025-04-30")
    created = client.create_customer(idempotency_key="org:o-1:customer", metadata={"organization": "o-1"})
    client.request("GET", "/v1/customers", {"limit": 3, "expand": ["data.sources"]})
    post, get = sent
    assert post.method == "POST"
    assert post.headers["Authorization"] == "Bearer sk_test_wire"
    assert post.headers["Idempotency-Key"] == "org:o-1:customer"
    assert post.headers["Stripe-Version"] == "2025-04-30"
    assert post.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert post.body == "metadata%5Borganization%5D=o-1"
    assert get.url == f"{localstripe_url}/v1/customers?limit=3&expand%5B%5D=data.sources"
    assert "Idempotency-Key" not in get.headers
    assert created["metadata"] == {"organization": "o-1"}
    session.close()


def test_every_post_needs_an_idempotency_key(stripe_client: StripeClient):
    with pytest.raises(ValueError, match="idempotency key"):
        stripe_client.request("POST", "/v1/customers", {"name": "no key"})


@pytest.mark.parametrize("amount", [0, -5, 12.5, True, "100"])
def test_amounts_are_positive_integers(stripe_client: StripeClient, amount: object):
    with pytest.raises(ValueError, match="minor units"):
        stripe_client.create_payment_intent(amount=amount, currency="eur", idempotency_key="k")  # type: ignore[arg-type]


def test_ids_cannot_reach_other_paths(stripe_client: StripeClient):
    with pytest.raises(ValueError, match="not a Stripe object id"):
        stripe_client.retrieve_customer("../v1/charges")


def test_the_client_is_configured_from_the_node_settings(localstripe_url: str):
    client = StripeClient.from_settings({"STRIPE_API_KEY": API_KEY, "STRIPE_API_BASE": localstripe_url + "/"})
    created = client.create_customer(idempotency_key=key("customer"), name="Configured")
    assert client.retrieve_customer(created["id"])["name"] == "Configured"
    with pytest.raises(ValueError, match="STRIPE_API_KEY"):
        StripeClient.from_settings({"STRIPE_API_KEY": None, "STRIPE_API_BASE": "https://api.stripe.com"})
