"""Offers and access requests for tests: a published dataset, an offer on it, a consumer's request."""

from __future__ import annotations

import copy
from typing import Any

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
