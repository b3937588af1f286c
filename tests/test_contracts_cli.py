"""The dxnode command for contracts: offers, access requests, agreements and the expiry sweep."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from app.db import get_session
from app.models import Agreement, Negotiation, Offer
from app.models.base import utcnow

from .support.actions import bearer
from .support.contract_data import (
    CONSUMER_SCOPES,
    PROVIDER_SCOPES,
    create_offer,
    offer_payload,
    published_dataset,
    request_access,
)


@pytest.fixture
def dataset_id(flow, provider, steward_token) -> str:  # type: ignore[no-untyped-def]
    """A published general-1 dataset of the provider."""
    return published_dataset(flow, provider, steward_token)


@pytest.fixture
def offer_id(flow, provider, dataset_id) -> str:  # type: ignore[no-untyped-def]
    """A manually approved offer on the dataset, made through the API."""
    return str(create_offer(flow, flow.token(provider, PROVIDER_SCOPES), dataset_id)["id"])


@pytest.fixture
def consumer_token(flow, consumer) -> str:  # type: ignore[no-untyped-def]
    """The consumer's token for asking and signing."""
    return str(flow.token(consumer, CONSUMER_SCOPES))


def invoke(runner: Any, *args: str) -> Any:
    """Run ``dxnode`` with the arguments, asserting it succeeded."""
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def requested(flow: Any, token: str, offer_id: str) -> str:
    """A consumer's request on the offer, made through the API; its id."""
    response = request_access(flow, token, offer_id)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def signed_agreement(runner: Any, flow: Any, provider: Any, token: str, offer_id: str) -> str:
    """Request through the API, approve from the shell as the provider's user, sign as the consumer."""
    negotiation_id = requested(flow, token, offer_id)
    invoke(runner, "request", "approve", negotiation_id, "--as", provider.user.email)
    signed = flow.http.post(f"/api/v1/negotiations/{negotiation_id}/sign", headers=bearer(token))
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["status"] == "active"
    return str(signed.get_json()["id"])


def test_create_list_and_withdraw_an_offer_from_a_file(runner, app, dataset_id, tmp_path, provider):
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer_payload(title="Shell licence")))
    created = json.loads(invoke(runner, "offer", "create", dataset_id, str(path)).output)
    assert created["status"] == "active"
    assert created["template"] == "standard-data-licence"
    assert created["policy"]["target"].endswith(dataset_id)

    as_steward = json.loads(
        invoke(runner, "offer", "create", dataset_id, str(path), "--as", provider.user.email).output
    )
    with app.app_context():
        assert get_session().get(Offer, as_steward["id"]).created_by == provider.user.id

    listed = invoke(runner, "offer", "list", dataset_id).output
    assert created["id"] in listed
    assert "Shell licence" in listed
    withdrawn = json.loads(invoke(runner, "offer", "withdraw", created["id"]).output)
    assert withdrawn == {"id": created["id"], "status": "withdrawn"}
    assert created["id"] not in invoke(runner, "offer", "list", dataset_id).output
    assert created["id"] in invoke(runner, "offer", "list", dataset_id, "--all").output

    again = runner.invoke(args=["offer", "withdraw", created["id"]])
    assert again.exit_code == 2
    assert "already withdrawn" in again.output


def test_bad_offer_json_is_refused_naming_the_field(runner, dataset_id, tmp_path):
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer_payload(delivery_modes=["carrier pigeon"])))
    result = runner.invoke(args=["offer", "create", dataset_id, str(path)])
    assert result.exit_code == 2
    assert "delivery_modes.0" in result.output
    assert "Traceback" not in result.output

    path.write_text("{not json")
    broken = runner.invoke(args=["offer", "create", dataset_id, str(path)])
    assert broken.exit_code == 2
    assert "is not JSON" in broken.output


def test_offer_as_an_unknown_user_is_refused(runner, dataset_id, tmp_path):
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer_payload()))
    result = runner.invoke(args=["offer", "create", dataset_id, str(path), "--as", "nobody@example.org"])
    assert result.exit_code != 0
    assert "no active user 'nobody@example.org'" in result.output


def test_approve_a_request_made_through_the_api(runner, flow, provider, consumer, offer_id, consumer_token):
    negotiation_id = requested(flow, consumer_token, offer_id)
    listed = invoke(runner, "request", "list", "--state", "requested").output
    assert negotiation_id in listed
    assert f"{consumer.org.name} -> {provider.org.name}" in listed
    assert negotiation_id in invoke(runner, "request", "list", "--org", consumer.org.name).output
    as_provider = invoke(runner, "request", "list", "--org", consumer.org.id, "--role", "provider")
    assert negotiation_id not in as_provider.output

    by_node = runner.invoke(args=["request", "approve", negotiation_id])
    assert by_node.exit_code == 2
    assert "does not need the operator's approval" in by_node.output

    approved = invoke(
        runner, "request", "approve", negotiation_id, "--as", provider.user.email, "--reason", "fine"
    )
    shown = json.loads(approved.output)
    assert shown["state"] == "AGREED"
    assert shown["agreement_id"]
    assert {"action": "approved by the provider", "reason": "fine"}.items() <= shown["events"][1].items()
    assert json.loads(invoke(runner, "request", "show", negotiation_id).output)["state"] == "AGREED"


def test_decline_a_request_with_a_reason(runner, flow, consumer_token, offer_id):
    negotiation_id = requested(flow, consumer_token, offer_id)
    missing = runner.invoke(args=["request", "decline", negotiation_id])
    assert missing.exit_code == 2
    assert "--reason" in missing.output
    declined = json.loads(
        invoke(runner, "request", "decline", negotiation_id, "--reason", "not for this purpose").output
    )
    assert declined["state"] == "TERMINATED"
    assert declined["reason"] == "declined by the operator: not for this purpose"
    seen = flow.http.get(f"/api/v1/negotiations/{negotiation_id}", headers=bearer(consumer_token))
    assert seen.get_json()["state"] == "TERMINATED"


def test_a_consumer_cannot_approve_its_own_request(runner, flow, consumer, consumer_token, offer_id):
    negotiation_id = requested(flow, consumer_token, offer_id)
    result = runner.invoke(args=["request", "approve", negotiation_id, "--as", consumer.user.email])
    assert result.exit_code == 2
    assert "only the provider or the operator" in result.output


def test_show_unknown_things_cleanly(runner):
    for args in (["request", "show", "nope"], ["agreement", "show", "nope"], ["offer", "list", "nope"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output


def test_role_without_org_is_a_usage_error(runner):
    result = runner.invoke(args=["agreement", "list", "--role", "consumer"])
    assert result.exit_code == 2
    assert "needs --org" in result.output


def test_a_signed_agreement_verifies_and_its_contract_is_the_signed_text(
    runner, flow, provider, consumer, consumer_token, offer_id, tmp_path
):
    agreement_id = signed_agreement(runner, flow, provider, consumer_token, offer_id)
    verified = invoke(runner, "agreement", "verify", agreement_id).output
    assert verified.count("ok    ") == 5
    assert "FAIL" not in verified

    shown = json.loads(invoke(runner, "agreement", "show", agreement_id).output)
    target = tmp_path / "contract.md"
    invoke(runner, "agreement", "contract", agreement_id, "-o", str(target))
    downloaded = flow.http.get(f"/api/v1/agreements/{agreement_id}/contract", headers=bearer(consumer_token))
    assert target.read_bytes() == downloaded.data
    assert invoke(runner, "agreement", "contract", agreement_id).output == downloaded.get_data(as_text=True)
    assert shown["contract_sha256"] in verified
    assert agreement_id in invoke(runner, "agreement", "list", "--org", consumer.org.name).output


def test_verify_fails_once_the_stored_terms_are_tampered_with(
    runner, app, flow, provider, consumer_token, offer_id
):
    agreement_id = signed_agreement(runner, flow, provider, consumer_token, offer_id)
    with app.app_context():
        session = get_session()
        agreement = session.get(Agreement, agreement_id)
        terms = json.loads(agreement.terms)
        terms["purpose"] = "anything at all"
        agreement.terms = json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        session.add(agreement)
        session.commit()
    result = runner.invoke(args=["agreement", "verify", agreement_id])
    assert result.exit_code != 0
    assert "FAIL  stored terms reproduce the contract hash" in result.output
    assert "ok    node signature covers the contract hash" in result.output
    assert "1 check(s) failed: stored terms reproduce the contract hash" in result.output


def test_verify_fails_when_the_text_or_the_signature_is_not_the_signed_one(
    runner, app, flow, provider, consumer_token, offer_id
):
    agreement_id = signed_agreement(runner, flow, provider, consumer_token, offer_id)
    with app.app_context():
        session = get_session()
        agreement = session.get(Agreement, agreement_id)
        agreement.contract_text += "\nOne more clause.\n"
        head, payload, signature = agreement.node_jws.split(".")
        agreement.node_jws = f"{head}.{payload}.{signature[::-1]}"
        session.add(agreement)
        session.commit()
    result = runner.invoke(args=["agreement", "verify", agreement_id])
    assert result.exit_code != 0
    assert "FAIL  stored text matches the contract hash" in result.output
    assert "FAIL  node signature verifies with a published key" in result.output
    assert "ok    stored terms reproduce the contract hash" in result.output


def test_suspend_resume_and_terminate_an_agreement(runner, flow, provider, consumer_token, offer_id):
    agreement_id = signed_agreement(runner, flow, provider, consumer_token, offer_id)
    no_reason = runner.invoke(args=["agreement", "suspend", agreement_id])
    assert no_reason.exit_code == 2
    assert "reason" in no_reason.output
    suspended = json.loads(invoke(runner, "agreement", "suspend", agreement_id, "--reason", "audit").output)
    assert suspended == {"id": agreement_id, "status": "suspended", "status_reason": "audit"}
    assert json.loads(invoke(runner, "agreement", "resume", agreement_id).output)["status"] == "active"
    ended = invoke(
        runner, "agreement", "terminate", agreement_id, "--reason", "breach", "--as", provider.user.email
    )
    assert json.loads(ended.output)["status"] == "terminated"
    again = runner.invoke(args=["agreement", "resume", agreement_id])
    assert again.exit_code == 2
    assert "a terminated agreement cannot be resumed" in again.output


def test_sweep_expires_overdue_requests_and_agreements(
    runner, app, flow, provider, consumer_token, dataset_id, offer_id
):
    agreement_id = signed_agreement(runner, flow, provider, consumer_token, offer_id)
    second_offer = create_offer(flow, flow.token(provider, PROVIDER_SCOPES), dataset_id, title="Another")
    overdue_request = requested(flow, consumer_token, second_offer["id"])
    with app.app_context():
        session = get_session()
        session.get(Negotiation, overdue_request).expires_at = utcnow() - timedelta(minutes=1)
        session.get(Agreement, agreement_id).valid_until = utcnow() - timedelta(minutes=1)
        session.commit()

    swept = json.loads(invoke(runner, "contracts", "sweep").output)
    assert swept == {"negotiations_expired": 1, "agreements_expired": 1}
    with app.app_context():
        session = get_session()
        negotiation = session.get(Negotiation, overdue_request)
        assert negotiation.state == "TERMINATED"
        assert negotiation.reason.startswith("expired")
        assert session.get(Agreement, agreement_id).status == "expired"
    assert json.loads(invoke(runner, "contracts", "sweep").output) == {
        "negotiations_expired": 0,
        "agreements_expired": 0,
    }


def test_the_node_approves_for_the_operator_where_the_grade_needs_it(
    runner, flow, provider, steward_token, reviewer_token, consumer_token
):
    dataset_id = published_dataset(flow, provider, steward_token, reviewer=reviewer_token, grade="important")
    offer = create_offer(
        flow,
        flow.token(provider, PROVIDER_SCOPES),
        dataset_id,
        delivery_modes=["aggregate"],
        template="aggregate-query-only",
    )
    negotiation_id = requested(flow, consumer_token, offer["id"])
    invoke(runner, "request", "approve", negotiation_id, "--as", provider.user.email)
    assert json.loads(invoke(runner, "request", "show", negotiation_id).output)["state"] == "REQUESTED"
    approved = json.loads(invoke(runner, "request", "approve", negotiation_id, "--reason", "reviewed").output)
    assert approved["state"] == "AGREED"
    assert approved["operator_approved_at"] is not None
