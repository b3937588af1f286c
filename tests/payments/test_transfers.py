"""Provider payouts as Stripe Connect transfers, against a FAKE of ``POST /v1/transfers``.

localstripe has no Connect transfers; ``tests/support/stripe_transfers_fake.py`` answers with Stripe's
recorded responses instead. What is checked here is our client: what it sends, and how it reads the
answers and errors.
"""

from __future__ import annotations

import pytest

from app.payments import (
    AuthenticationError,
    IdempotencyError,
    InvalidRequestError,
    RetryPolicy,
    StripeClient,
)
from tests.support.stripe_faults import Fault, FaultyProxy
from tests.support.stripe_transfers_fake import StripeTransfersFake

PROVIDER = "acct_1ProviderA0000001"


@pytest.fixture
def client(stripe_transfers_fake: StripeTransfersFake) -> StripeClient:
    return StripeClient("sk_test_platform", base_url=stripe_transfers_fake.url, sleep=lambda _: None)


def test_a_payout_is_a_transfer_to_the_providers_account(
    client: StripeClient, stripe_transfers_fake: StripeTransfersFake
):
    transfer = client.create_transfer(
        amount=8_125,
        currency="EUR",
        destination=PROVIDER,
        transfer_group="settlement:2026-11",
        metadata={"payout": "po-1", "statement": "st-9"},
        idempotency_key="payout:po-1:transfer",
    )
    assert transfer["object"] == "transfer"
    assert transfer["id"].startswith("tr_")
    assert (transfer["amount"], transfer["currency"], transfer["destination"]) == (8_125, "eur", PROVIDER)
    assert transfer["transfer_group"] == "settlement:2026-11"
    assert transfer["metadata"] == {"payout": "po-1", "statement": "st-9"}
    assert transfer["reversed"] is False
    assert stripe_transfers_fake.balance["eur"] == 1_000_000 - 8_125
    sent = stripe_transfers_fake.requests[0]
    assert sent["headers"]["Idempotency-Key"] == "payout:po-1:transfer"
    assert ("amount", "8125") in sent["params"]
    assert ("metadata[payout]", "po-1") in sent["params"]


def test_the_same_key_twice_returns_the_same_transfer(
    client: StripeClient, stripe_transfers_fake: StripeTransfersFake
):
    """Stripe replays the first answer for a repeated key: a payout run twice pays once."""
    params = {"amount": 500, "currency": "eur", "destination": PROVIDER}
    first = client.create_transfer(**params, idempotency_key="payout:po-2:transfer")
    again = client.create_transfer(**params, idempotency_key="payout:po-2:transfer")
    assert again == first
    assert len(stripe_transfers_fake.transfers) == 1
    assert stripe_transfers_fake.balance["eur"] == 1_000_000 - 500


def test_the_same_key_with_other_parameters_is_an_idempotency_error(client: StripeClient):
    client.create_transfer(amount=500, currency="eur", destination=PROVIDER, idempotency_key="payout:po-3")
    with pytest.raises(IdempotencyError, match="payout:po-3") as refused:
        client.create_transfer(
            amount=600, currency="eur", destination=PROVIDER, idempotency_key="payout:po-3"
        )
    assert refused.value.http_status == 400


@pytest.mark.parametrize(
    "lost", [Fault(500, after_forwarding=True), Fault.drop(after_forwarding=True)], ids=["500", "dropped"]
)
def test_a_lost_answer_is_retried_and_pays_once(stripe_transfers_fake: StripeTransfersFake, lost: Fault):
    """The server did the transfer but its answer was lost: the retry's replay returns that transfer."""
    with FaultyProxy(stripe_transfers_fake.url, [lost]) as proxy:
        sleeps: list[float] = []
        client = StripeClient("sk_test_platform", base_url=proxy.url, sleep=sleeps.append)
        first = client.create_transfer(
            amount=700, currency="eur", destination=PROVIDER, idempotency_key="payout:po-4:transfer"
        )
    assert len(proxy.forwarded()) == 2, "both attempts reached the server"
    assert len(stripe_transfers_fake.transfers) == 1
    assert first["id"] == stripe_transfers_fake.transfers[0]["id"]
    assert stripe_transfers_fake.balance["eur"] == 1_000_000 - 700
    assert len(sleeps) == 1


def test_an_unknown_destination_names_the_parameter(client: StripeClient):
    with pytest.raises(InvalidRequestError, match="No such destination") as refused:
        client.create_transfer(amount=1, currency="eur", destination="acct_1Unknown", idempotency_key="p:5")
    assert refused.value.param == "destination"
    assert refused.value.code == "resource_missing"


def test_an_insufficient_balance_is_refused(client: StripeClient, stripe_transfers_fake: StripeTransfersFake):
    with pytest.raises(InvalidRequestError) as refused:
        client.create_transfer(amount=2_000_000, currency="eur", destination=PROVIDER, idempotency_key="p:6")
    assert refused.value.code == "balance_insufficient"
    assert stripe_transfers_fake.balance["eur"] == 1_000_000


def test_a_missing_parameter_is_named(client: StripeClient):
    with pytest.raises(InvalidRequestError) as refused:
        client.request("POST", "/v1/transfers", {"amount": 5, "destination": PROVIDER}, idempotency_key="p:7")
    assert refused.value.param == "currency"
    assert refused.value.code == "parameter_missing"


def test_a_bad_key_is_an_authentication_error(stripe_transfers_fake: StripeTransfersFake):
    client = StripeClient("pk_test_public", base_url=stripe_transfers_fake.url, retry_policy=RetryPolicy())
    with pytest.raises(AuthenticationError):
        client.create_transfer(amount=5, currency="eur", destination=PROVIDER, idempotency_key="p:8")
