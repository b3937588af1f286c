"""Access requests in the Dataspace Protocol's states: approvals by grade, counter-offers, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import get_session
from app.models import Negotiation
from app.models.base import utcnow

from .support.actions import bearer
from .support.contract_data import (
    CONSUMER_SCOPES,
    create_offer,
    published_dataset,
    request_access,
)


@pytest.fixture
def offer(flow, provider, ptoken):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    return create_offer(flow, ptoken, dataset_id)


def _post(flow, token, negotiation_id, step, **body):
    return flow.http.post(f"/api/v1/negotiations/{negotiation_id}/{step}", headers=bearer(token), json=body)


def _requested(flow, ctoken, offer_id, **extra):
    response = request_access(flow, ctoken, offer_id, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_manual_approval_contract_and_signatures(flow, provider, consumer, offer, ptoken, ctoken):
    requested = _requested(flow, ctoken, offer["id"], purpose_note="Modelling exposure of coastal sites")
    assert requested["state"] == "REQUESTED"
    assert requested["needs_provider"] is True
    assert requested["agreement_id"] is None
    assert requested["provider_pid"] == f"urn:uuid:{requested['id']}"

    agreed = _post(flow, ptoken, requested["id"], "approve", reason="fits our licence").get_json()
    assert agreed["state"] == "AGREED"
    agreement_id = agreed["agreement_id"]
    pending = flow.http.get(f"/api/v1/agreements/{agreement_id}", headers=bearer(ctoken)).get_json()
    assert pending["status"] == "pending"
    assert [s["party"] for s in pending["signatures"]] == ["provider"]
    assert pending["node_signature"] is None

    signed = _post(flow, ctoken, requested["id"], "sign", sha256=pending["contract_sha256"])
    assert signed.status_code == 200, signed.get_json()
    agreement = signed.get_json()
    assert agreement["status"] == "active"
    assert {s["party"] for s in agreement["signatures"]} == {"provider", "consumer"}
    assert {s["sha256"] for s in agreement["signatures"]} == {agreement["contract_sha256"]}
    assert agreement["node_signature"].count(".") == 2

    final = flow.http.get(f"/api/v1/negotiations/{requested['id']}", headers=bearer(ptoken)).get_json()
    assert final["state"] == "FINALIZED"
    assert [e["to_state"] for e in final["events"]] == [
        "REQUESTED",
        "REQUESTED",  # the provider's approval
        "AGREED",
        "pending",  # the contract issued
        "VERIFIED",
        "FINALIZED",
        "active",
    ]
    assert final["allowed"] == []


def test_automatic_offers_agree_at_once_on_the_standing_offer(flow, provider, ptoken, ctoken):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-1")
    offer = create_offer(
        flow,
        ptoken,
        dataset_id,
        template="open-data-licence",
        pricing={"model": "free", "currency": "CNY"},
        approval="automatic",
        max_uses=None,
    )
    requested = _requested(flow, ctoken, offer["id"])
    assert requested["state"] == "AGREED"
    agreement = flow.http.get(
        f"/api/v1/agreements/{requested['agreement_id']}", headers=bearer(ctoken)
    ).get_json()
    assert agreement["signatures"][0]["method"] == "standing-offer"
    assert agreement["signatures"][0]["user_id"] is None  # the offer was made by the provider's client


def test_general_2_automatic_approval_depends_on_the_consumers_credit(
    app, flow, provider, ptoken, make_party
):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    offer = create_offer(flow, ptoken, dataset_id, approval="automatic")
    trusted = make_party("consumer", "admin", "buyer")
    doubtful = make_party("consumer", "admin", "buyer")
    with app.app_context():
        session = get_session()
        org = session.get(type(doubtful.org), doubtful.org.id)
        org.credit_score = 300
        session.commit()
    fast = _requested(flow, flow.token(trusted, CONSUMER_SCOPES), offer["id"])
    slow = _requested(flow, flow.token(doubtful, CONSUMER_SCOPES), offer["id"])
    assert fast["state"] == "AGREED"
    assert (slow["state"], slow["needs_provider"]) == ("REQUESTED", True)


def test_important_data_needs_provider_and_operator_and_stays_domestic(
    flow, provider, ptoken, otoken, ctoken, make_party
):
    dataset_id = published_dataset(flow, provider, ptoken, reviewer=otoken, grade="important")
    offer = create_offer(
        flow,
        ptoken,
        dataset_id,
        template="aggregate-query-only",
        delivery_modes=["aggregate"],
        pricing={"model": "per_call", "currency": "CNY", "price_minor": 2000},
        max_uses=None,
    )
    requested = _requested(flow, ctoken, offer["id"])
    assert (requested["needs_provider"], requested["needs_operator"]) == (True, True)
    after_provider = _post(flow, ptoken, requested["id"], "approve").get_json()
    assert after_provider["state"] == "REQUESTED"
    again = _post(flow, ptoken, requested["id"], "approve")
    assert again.status_code == 409
    after_operator = _post(flow, otoken, requested["id"], "approve").get_json()
    assert after_operator["state"] == "AGREED"

    foreign = make_party("consumer", "admin", "buyer", jurisdiction="DE")
    refused = request_access(flow, flow.token(foreign, CONSUMER_SCOPES), offer["id"])
    assert refused.status_code == 403
    assert refused.get_json()["type"].endswith("/cross-border-blocked")


def test_cross_border_requests_need_an_offer_that_allows_them(flow, provider, ptoken, make_party):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    domestic = create_offer(flow, ptoken, dataset_id)
    worldwide = create_offer(flow, ptoken, dataset_id, cross_border=True, jurisdictions=["CN", "DE"])
    foreign_token = flow.token(make_party("consumer", "admin", "buyer", jurisdiction="DE"), CONSUMER_SCOPES)
    refused = request_access(flow, foreign_token, domestic["id"])
    assert refused.status_code == 403
    assert refused.get_json()["errors"][0]["field"] == "consumer.jurisdiction"
    assert request_access(flow, foreign_token, worldwide["id"]).status_code == 201
    outside = flow.token(make_party("consumer", "admin", "buyer", jurisdiction="US"), CONSUMER_SCOPES)
    by_policy = request_access(flow, outside, worldwide["id"])
    assert by_policy.status_code == 403
    assert by_policy.get_json()["type"].endswith("/policy-denied")
    assert by_policy.get_json()["errors"][0]["field"] == "consumer.jurisdiction"


def test_a_purpose_the_offer_does_not_allow_is_refused_with_the_failed_constraint(flow, offer, ctoken):
    response = request_access(flow, ctoken, offer["id"], purpose="direct marketing")
    assert response.status_code == 403
    problem = response.get_json()
    assert problem["type"].endswith("/policy-denied")
    assert problem["errors"][0]["field"] == "purpose"
    assert "direct marketing" in problem["errors"][0]["reason"]
    assert problem["explanation"][0].startswith("denied")


def test_recipient_and_time_window_constraints(flow, provider, ptoken, consumer, ctoken, make_party):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    other = make_party("consumer", "admin", "buyer")
    only_other = create_offer(flow, ptoken, dataset_id, recipients=[other.org.id])
    refused = request_access(flow, ctoken, only_other["id"])
    assert refused.status_code == 403
    assert refused.get_json()["errors"][0]["field"] == "consumer"
    assert request_access(flow, flow.token(other, CONSUMER_SCOPES), only_other["id"]).status_code == 201

    later = (utcnow() + timedelta(days=30)).replace(microsecond=0).isoformat()
    not_yet = create_offer(flow, ptoken, dataset_id, available_from=later)
    response = request_access(flow, ctoken, not_yet["id"])
    assert response.status_code == 403
    assert any("dateTime" in line for line in response.get_json()["explanation"])


def test_counter_offer_accepted(flow, offer, ptoken, ctoken):
    requested = _requested(flow, ctoken, offer["id"])
    countered = _post(
        flow, ptoken, requested["id"], "counter-offer", validity_days=30, reason="a shorter trial first"
    )
    assert countered.get_json()["state"] == "OFFERED"
    assert countered.get_json()["validity_days"] == 30
    too_long = _post(flow, ptoken, requested["id"], "counter-offer", validity_days=400)
    assert too_long.status_code == 422
    accepted = _post(flow, ctoken, requested["id"], "accept").get_json()
    assert accepted["state"] == "AGREED"  # the provider made the offer, so its approval is given
    agreement = flow.http.get(
        f"/api/v1/agreements/{accepted['agreement_id']}", headers=bearer(ctoken)
    ).get_json()
    assert (agreement["valid_until"][:10] > agreement["valid_from"][:10]) is True
    assert (
        agreement["terms"]["policy"]["permission"][0]["constraint"][-1]["rightOperand"]["@value"]
        == agreement["terms"]["validity"]["end"]
    )


def test_counter_offer_answered_with_a_new_request(flow, offer, ptoken, ctoken):
    requested = _requested(flow, ctoken, offer["id"])
    _post(flow, ptoken, requested["id"], "counter-offer", validity_days=30)
    asked = _post(flow, ctoken, requested["id"], "request", validity_days=60).get_json()
    assert (asked["state"], asked["validity_days"], asked["provider_approved_at"]) == ("REQUESTED", 60, None)
    assert _post(flow, ptoken, requested["id"], "approve").get_json()["state"] == "AGREED"


def test_invalid_transitions_are_409_naming_the_allowed_messages(flow, offer, ptoken, ctoken):
    requested = _requested(flow, ctoken, offer["id"])
    accept = _post(flow, ctoken, requested["id"], "accept")
    assert accept.status_code == 409
    problem = accept.get_json()
    assert problem["type"].endswith("/invalid-transition")
    assert problem["state"] == "REQUESTED"
    assert {(t["message"], t["sender"]) for t in problem["allowed"]} == {
        ("ContractOfferMessage", "provider"),
        ("ContractAgreementMessage", "provider"),
        ("ContractNegotiationTerminationMessage", "consumer"),
        ("ContractNegotiationTerminationMessage", "provider"),
    }
    assert _post(flow, ctoken, requested["id"], "sign").status_code == 409
    _post(flow, ptoken, requested["id"], "approve")
    assert _post(flow, ptoken, requested["id"], "counter-offer", validity_days=10).status_code == 409
    _post(flow, ctoken, requested["id"], "sign")
    after = _post(flow, ptoken, requested["id"], "decline", reason="too late")
    assert after.status_code == 409
    assert after.get_json()["allowed"] == []


def test_decline_and_withdraw_need_reasons_and_end_the_request(flow, offer, ptoken, ctoken):
    first = _requested(flow, ctoken, offer["id"])
    no_reason = _post(flow, ptoken, first["id"], "decline")
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"][0]["field"] == "reason"
    declined = _post(flow, ptoken, first["id"], "decline", reason="purpose too broad").get_json()
    assert declined["state"] == "TERMINATED"
    assert declined["reason"] == "declined by the provider: purpose too broad"
    second = _requested(flow, ctoken, offer["id"])
    withdrawn = _post(flow, ctoken, second["id"], "withdraw", reason="no longer needed").get_json()
    assert (withdrawn["state"], withdrawn["reason"]) == (
        "TERMINATED",
        "withdrawn by the consumer: no longer needed",
    )


def test_a_contract_the_consumer_will_not_sign_is_withdrawn_with_its_agreement(flow, offer, ptoken, ctoken):
    requested = _requested(flow, ctoken, offer["id"])
    agreed = _post(flow, ptoken, requested["id"], "approve").get_json()
    _post(flow, ctoken, requested["id"], "withdraw", reason="the terms changed internally")
    agreement = flow.http.get(
        f"/api/v1/agreements/{agreed['agreement_id']}", headers=bearer(ctoken)
    ).get_json()
    assert agreement["status"] == "terminated"


def test_sides_may_only_take_their_own_steps(flow, offer, provider, ptoken, ctoken, make_party):
    requested = _requested(flow, ctoken, offer["id"])
    assert _post(flow, ctoken, requested["id"], "approve").status_code == 403  # no contracts:write
    provider_as_buyer = flow.token(provider, "access:request")
    assert _post(flow, provider_as_buyer, requested["id"], "withdraw", reason="x").status_code == 403
    stranger = flow.token(make_party("consumer", "admin", "buyer"), CONSUMER_SCOPES)
    assert (
        flow.http.get(f"/api/v1/negotiations/{requested['id']}", headers=bearer(stranger)).status_code == 404
    )


def test_one_open_request_per_offer(flow, offer, ctoken):
    first = _requested(flow, ctoken, offer["id"])
    second = request_access(flow, ctoken, offer["id"])
    assert second.status_code == 409
    assert second.get_json()["negotiation_id"] == first["id"]


def test_requests_on_withdrawn_or_unknown_offers_are_refused(flow, offer, ptoken, ctoken):
    assert request_access(flow, ctoken, "no-such-offer").status_code == 404
    flow.http.post(f"/api/v1/offers/{offer['id']}/withdraw", headers=bearer(ptoken))
    response = request_access(flow, ctoken, offer["id"])
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "offer_id"


def test_signing_another_text_is_refused(flow, offer, ptoken, ctoken):
    requested = _requested(flow, ctoken, offer["id"])
    _post(flow, ptoken, requested["id"], "approve")
    response = _post(flow, ctoken, requested["id"], "sign", sha256="0" * 64)
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "sha256"


def test_pending_requests_expire_after_their_deadline(app, flow, offer, ctoken, ptoken):
    requested = _requested(flow, ctoken, offer["id"])
    with app.app_context():
        session = get_session()
        row = session.get(Negotiation, requested["id"])
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.commit()
    seen = flow.http.get(f"/api/v1/negotiations/{requested['id']}", headers=bearer(ctoken)).get_json()
    assert seen["state"] == "TERMINATED"
    assert seen["reason"].startswith("expired")
    assert seen["events"][-1]["actor"] == "node"
    assert _post(flow, ptoken, requested["id"], "approve").status_code == 409


def test_lists_for_each_side(flow, offer, ptoken, ctoken, otoken):
    requested = _requested(flow, ctoken, offer["id"])
    mine = flow.http.get("/api/v1/negotiations?role=consumer", headers=bearer(ctoken)).get_json()
    to_us = flow.http.get("/api/v1/negotiations?role=provider", headers=bearer(ptoken)).get_json()
    everything = flow.http.get("/api/v1/negotiations?role=operator", headers=bearer(otoken)).get_json()
    assert [n["id"] for n in mine] == [requested["id"]]
    assert [n["id"] for n in to_us] == [requested["id"]]
    assert requested["id"] in [n["id"] for n in everything]
    assert flow.http.get("/api/v1/negotiations?role=operator", headers=bearer(ctoken)).status_code == 403
    assert flow.http.get("/api/v1/negotiations?role=consumer", headers=bearer(ptoken)).get_json() == []
    filtered = flow.http.get("/api/v1/negotiations?role=consumer&state=AGREED", headers=bearer(ctoken))
    assert filtered.get_json() == []
