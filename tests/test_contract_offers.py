"""Offers on datasets: pricing plans, the ODRL policy the node writes, and the grade table's limits."""

from __future__ import annotations

import pytest

from .support.actions import bearer
from .support.catalog_data import create_dataset
from .support.contract_data import (
    CONSUMER_SCOPES,
    PROVIDER_SCOPES,
    create_offer,
    offer_payload,
    published_dataset,
)


def _offer(flow, token, dataset_id, **overrides):
    return flow.http.post(
        f"/api/v1/datasets/{dataset_id}/offers", headers=bearer(token), json=offer_payload(**overrides)
    )


def _constraints(policy):
    return {c["leftOperand"]: c for c in policy["permission"][0]["constraint"]}


def test_the_node_writes_the_odrl_policy_from_the_offer(flow, provider, ptoken):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    offer = create_offer(flow, ptoken, dataset_id)
    policy = offer["policy"]
    assert policy["@type"] == "Offer"
    assert policy["@id"] == f"urn:uuid:{offer['id']}"
    assert policy["assigner"] == f"urn:uuid:{provider.org.id}"
    assert policy["target"] == f"http://localhost/dataset/{dataset_id}"
    constraints = _constraints(policy)
    assert constraints["purpose"] == {
        "leftOperand": "purpose",
        "operator": "isAnyOf",
        "rightOperand": ["academic research", "insurance pricing"],
    }
    assert constraints["spatial"]["rightOperand"] == "CN"  # domestic only unless the offer allows more
    assert constraints["count"]["rightOperand"] == {"@value": "100", "@type": "xsd:integer"}
    assert constraints["elapsedTime"]["rightOperand"]["@value"] == "P90D"
    duty = policy["permission"][0]["duty"][0]
    assert duty["action"] == "compensate"
    assert duty["constraint"][0]["rightOperand"] == {"@value": "0.50", "@type": "xsd:decimal"}
    assert duty["constraint"][0]["unit"] == "CNY"
    assert [p["action"] for p in policy["prohibition"]] == ["distribute", "grantUse", "transfer"]
    assert offer["template_version"] == "2"


@pytest.mark.parametrize(
    "pricing",
    [
        {"model": "free", "currency": "CNY"},
        {"model": "subscription", "currency": "CNY", "price_minor": 1200000, "period": "P1M"},
        {"model": "per_call", "currency": "CNY", "price_minor": 50, "free_allowance": 1000},
        {"model": "per_record", "currency": "EUR", "price_minor": 1, "monthly_cap_minor": 500000},
        {"model": "per_gb", "currency": "CNY", "price_minor": 9900},
        {
            "model": "tiered",
            "currency": "CNY",
            "unit": "call",
            "tiers": [{"up_to": 10000, "unit_price_minor": 10}, {"unit_price_minor": 5}],
        },
    ],
    ids=lambda p: p["model"],
)
def test_every_pricing_plan_makes_an_offer(flow, provider, ptoken, pricing):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    offer = create_offer(flow, ptoken, dataset_id, pricing=pricing)
    assert offer["pricing"]["model"] == pricing["model"]
    duties = offer["policy"]["permission"][0].get("duty", [])
    assert (duties == []) == (pricing["model"] == "free")


@pytest.mark.parametrize(
    ("pricing", "field"),
    [
        ({"model": "subscription", "currency": "CNY", "price_minor": 100}, "period"),
        ({"model": "per_call", "currency": "CNY"}, "price_minor"),
        (
            {
                "model": "tiered",
                "currency": "CNY",
                "unit": "call",
                "tiers": [{"up_to": 5, "unit_price_minor": 1}],
            },
            "tiers",
        ),
        ({"model": "per_call", "currency": "yuan", "price_minor": 1}, "currency"),
        ({"model": "free", "currency": "CNY", "free_allowance": 10}, "free_allowance"),
    ],
)
def test_inconsistent_pricing_plans_are_refused_naming_the_field(flow, provider, ptoken, pricing, field):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    response = _offer(flow, ptoken, dataset_id, pricing=pricing)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["errors"][0]["field"] == "pricing"
    assert field in problem["errors"][0]["reason"]


def test_core_data_is_never_offered(flow, provider, ptoken):
    draft = create_dataset(flow, provider, ptoken, grade="core")
    response = _offer(flow, ptoken, draft["id"])
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("/core-never-offered")


@pytest.mark.parametrize(
    ("grade", "overrides", "field"),
    [
        ("important", {"delivery_modes": ["download"]}, "delivery_modes[0]"),
        (
            "important",
            {"delivery_modes": ["aggregate"], "template": "aggregate-query-only", "cross_border": True},
            "cross_border",
        ),
        ("general-4", {"delivery_modes": ["records"]}, "delivery_modes[0]"),
        ("general-3", {"delivery_modes": ["download"]}, "delivery_modes[0]"),
        ("general-3", {"delivery_modes": ["records"]}, "masked_fields"),
        (
            "general-3",
            {"delivery_modes": ["records"], "masked_fields": ["id_number"], "approval": "automatic"},
            "approval",
        ),
    ],
)
def test_the_grade_table_limits_delivery_and_approval(
    flow, provider, ptoken, otoken, grade, overrides, field
):
    dataset_id = published_dataset(flow, provider, ptoken, reviewer=otoken, grade=grade)
    response = _offer(flow, ptoken, dataset_id, **overrides)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"][0]["field"] == field


def test_the_template_must_be_able_to_state_the_offer(flow, provider, ptoken):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-1")
    paid_open_data = _offer(flow, ptoken, dataset_id, template="open-data-licence")
    assert paid_open_data.status_code == 422
    assert paid_open_data.get_json()["errors"][0]["field"] == "pricing.model"
    no_use_count = _offer(flow, ptoken, dataset_id, max_uses=None)
    assert no_use_count.status_code == 422
    assert no_use_count.get_json()["errors"][0]["field"] == "max_uses"
    v1_per_record = _offer(
        flow,
        ptoken,
        dataset_id,
        template_version="1",
        pricing={"model": "per_record", "currency": "CNY", "price_minor": 1},
    )
    assert v1_per_record.status_code == 422
    assert v1_per_record.get_json()["errors"][0]["field"] == "pricing.model"


def test_a_provider_policy_is_checked_and_bound_to_the_dataset(flow, provider, ptoken):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    own = {
        "@type": "Set",
        "permission": [
            {
                "action": "use",
                "constraint": [
                    {"leftOperand": "purpose", "operator": "eq", "rightOperand": "academic research"}
                ],
            }
        ],
    }
    offer = create_offer(flow, ptoken, dataset_id, policy=own, purposes=[])
    assert offer["policy"]["@type"] == "Offer"
    assert offer["policy"]["target"].endswith(dataset_id)
    broken = _offer(
        flow,
        ptoken,
        dataset_id,
        policy={
            "@type": "Offer",
            "permission": [
                {
                    "action": "use",
                    "constraint": [{"leftOperand": "purpose", "operator": "resembles", "rightOperand": "x"}],
                }
            ],
        },
    )
    assert broken.status_code == 422
    assert broken.get_json()["errors"][0]["field"].startswith("policy")


def test_only_the_providers_stewards_make_offers(flow, provider, consumer, make_party, ptoken):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    consumer_token = flow.token(consumer, CONSUMER_SCOPES)
    assert _offer(flow, consumer_token, dataset_id).status_code == 403  # no catalog:write scope
    other = make_party("provider", "admin", "steward")
    other_token = flow.token(other, PROVIDER_SCOPES)
    assert _offer(flow, other_token, dataset_id).status_code == 403


def test_offers_are_public_and_withdrawn_ones_leave_the_list(flow, provider, ptoken):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    offer = create_offer(flow, ptoken, dataset_id)
    public = flow.http.get(f"/api/v1/datasets/{dataset_id}/offers").get_json()
    assert [o["id"] for o in public] == [offer["id"]]
    withdrawn = flow.http.post(f"/api/v1/offers/{offer['id']}/withdraw", headers=bearer(ptoken))
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert flow.http.get(f"/api/v1/datasets/{dataset_id}/offers").get_json() == []
    mine = flow.http.get(f"/api/v1/datasets/{dataset_id}/offers", headers=bearer(ptoken)).get_json()
    assert [o["status"] for o in mine] == ["withdrawn"]
    again = flow.http.post(f"/api/v1/offers/{offer['id']}/withdraw", headers=bearer(ptoken))
    assert again.status_code == 409
