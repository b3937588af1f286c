"""Offers and access requests for tests: a published dataset, an offer on it, a consumer's request."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from .actions import bearer
from .catalog_data import create_dataset

CONSUMER_SCOPES = "access:request org:read"
PROVIDER_SCOPES = "catalog:write contracts:write org:read"
OPERATOR_SCOPES = "catalog:write contracts:write operator org:read"


def offer_payload(**overrides: Any) -> dict[str, Any]:
    """A per-call standard-licence offer for research and insurance pricing; pass fields to override."""
    payload: dict[str, Any] = {
        "title": "Research licence",
        "pricing": {"model": "per_call", "currency": "CNY", "price_minor": 50, "payment_due_days": 30},
        "delivery_modes": ["download", "records"],
        "template": "standard-data-licence",
        "approval": "manual",
        "validity_days": 90,
        "purposes": ["academic research", "insurance pricing"],
        "max_uses": 100,
    }
    payload.update(copy.deepcopy(overrides))
    return payload


def published_dataset(
    flow: Any, provider: Any, token: str, reviewer: str | None = None, **fields: Any
) -> str:
    """List and publish a dataset (through review when its grade needs it); its id."""
    dataset = create_dataset(flow, provider, token, **fields)
    submitted = flow.http.post(f"/api/v1/datasets/{dataset['id']}/submit", headers=bearer(token)).get_json()
    if submitted["status"] == "in_review":
        assert reviewer is not None, "this grade needs the operator's review"
        approved = flow.http.post(f"/api/v1/datasets/{dataset['id']}/approve", headers=bearer(reviewer))
        assert approved.status_code == 200, approved.get_json()
    return str(dataset["id"])


def create_offer(flow: Any, token: str, dataset_id: str, **overrides: Any) -> dict[str, Any]:
    """Offer a dataset through the API, asserting the offer was made."""
    response = flow.http.post(
        f"/api/v1/datasets/{dataset_id}/offers", headers=bearer(token), json=offer_payload(**overrides)
    )
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def request_access(
    flow: Any, token: str, offer_id: str, purpose: str = "academic research", **extra: Any
) -> Any:
    """A consumer's access request; the raw response."""
    return flow.http.post(
        "/api/v1/negotiations",
        headers=bearer(token),
        json={"offer_id": offer_id, "purpose": purpose, **extra},
    )


def sample_csv(rows: int = 60) -> bytes:
    """A small table: an id, a person's name (to be masked), a district and an amount."""
    districts = ["Futian", "Luohu", "Nanshan", "Bao'an"]
    lines = ["id,name,district,amount"]
    lines += [f"{i},Person {i},{districts[i % 4]},{100 + i * 7}" for i in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode()


def agreement_in_force(
    flow: Any, provider: Any, consumer: Any, *, data: bytes | None = None, **offer: Any
) -> dict[str, Any]:
    """A general-2 dataset with a stored CSV file, an offer on it, and the consumer's signed agreement.

    Returns the agreement JSON with `distribution_id` and `dataset_id` added.
    """
    ptoken = flow.token(provider, PROVIDER_SCOPES)
    ctoken = flow.token(consumer, CONSUMER_SCOPES)
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    dataset = flow.http.get(f"/api/v1/datasets/{dataset_id}").get_json()
    distribution_id = dataset["distributions"][0]["id"]
    uploaded = flow.http.put(
        f"/api/v1/distributions/{distribution_id}/file",
        headers={**bearer(ptoken), "Content-Type": "text/csv"},
        data=data if data is not None else sample_csv(),
    )
    assert uploaded.status_code == 200, uploaded.get_json()
    made = create_offer(flow, ptoken, dataset_id, **offer)
    negotiation = request_access(flow, ctoken, made["id"]).get_json()
    if negotiation["state"] == "REQUESTED":
        flow.http.post(f"/api/v1/negotiations/{negotiation['id']}/approve", headers=bearer(ptoken), json={})
    signed = flow.http.post(f"/api/v1/negotiations/{negotiation['id']}/sign", headers=bearer(ctoken), json={})
    assert signed.status_code == 200, signed.get_json()
    return {**signed.get_json(), "distribution_id": distribution_id, "dataset_id": dataset_id}


def data_token(flow: Any, consumer: Any, agreement_id: str) -> str:
    """A data:read token for the agreement."""
    return str(flow.token(consumer, "data:read", agreement=agreement_id))


@pytest.fixture
def ptoken(flow: Any, provider: Any) -> str:
    """The provider's token for offers and answering requests."""
    return str(flow.token(provider, PROVIDER_SCOPES))


@pytest.fixture
def ctoken(flow: Any, consumer: Any) -> str:
    """The consumer's token for requesting access and signing."""
    return str(flow.token(consumer, CONSUMER_SCOPES))


@pytest.fixture
def otoken(flow: Any, operator: Any) -> str:
    """The operator's token for reviews and approvals."""
    return str(flow.token(operator, OPERATOR_SCOPES))
