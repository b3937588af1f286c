"""Agreements: the contract hash and the node's countersignature verified, lifecycle, and data tokens."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import timedelta

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from app.db import get_session
from app.models import Agreement
from app.models.base import utcnow
from contracts_templates import contract_sha256

from .support.actions import bearer
from .support.contract_data import (
    CONSUMER_SCOPES,
    create_offer,
    published_dataset,
    request_access,
)


@pytest.fixture
def agreement(flow, provider, ptoken, ctoken):
    """An agreement in force between the provider and the consumer."""
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    offer = create_offer(flow, ptoken, dataset_id)
    negotiation = request_access(flow, ctoken, offer["id"]).get_json()
    flow.http.post(f"/api/v1/negotiations/{negotiation['id']}/approve", headers=bearer(ptoken), json={})
    signed = flow.http.post(f"/api/v1/negotiations/{negotiation['id']}/sign", headers=bearer(ctoken), json={})
    assert signed.status_code == 200, signed.get_json()
    return signed.get_json()


def _data_token(flow, party, agreement_id, **extra):
    return flow.client_credentials(party, "data:read", agreement=agreement_id, **extra)


def _access(flow, token, agreement_id):
    return flow.http.get(f"/data/v1/agreements/{agreement_id}", headers=bearer(token))


def _change(flow, token, agreement_id, step, **body):
    return flow.http.post(f"/api/v1/agreements/{agreement_id}/{step}", headers=bearer(token), json=body)


def test_the_contract_hash_is_reproduced_from_the_stored_terms(flow, agreement, ctoken):
    text = flow.http.get(f"/api/v1/agreements/{agreement['id']}/contract", headers=bearer(ctoken))
    assert text.mimetype == "text/markdown"
    assert hashlib.sha256(text.get_data()).hexdigest() == agreement["contract_sha256"]
    digest = base64.b64encode(hashlib.sha256(text.get_data()).digest()).decode()
    assert text.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    recomputed = contract_sha256(agreement["template"], agreement["template_version"], agreement["terms"])
    assert recomputed == agreement["contract_sha256"]
    body = text.get_data(as_text=True)
    assert agreement["terms"]["consumer"]["name"] in body
    assert "academic research" in body


def test_the_node_countersignature_verifies_with_the_published_key(flow, agreement):
    keys = KeySet.import_key_set(flow.http.get("/oauth/jwks").get_json())
    token = agreement["node_signature"]
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "dxnode-agreement+jws"
    assert header["kid"] == agreement["node_key_id"]
    verified = jws.deserialize_compact(token, keys.get_by_kid(header["kid"]), algorithms=["RS256"])
    claims = json.loads(verified.payload)
    assert claims["agreement"] == f"urn:uuid:{agreement['id']}"
    assert claims["contract_sha256"] == agreement["contract_sha256"]
    assert claims["consumer"] == f"urn:uuid:{agreement['consumer_org_id']}"
    assert {s["party"]: s["sha256"] for s in claims["signatures"]} == {
        "provider": agreement["contract_sha256"],
        "consumer": agreement["contract_sha256"],
    }
    tampered = token.split(".")
    tampered[1] = (
        base64.urlsafe_b64encode(verified.payload.replace(b"provider", b"consumer")).decode().rstrip("=")
    )
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(".".join(tampered), keys.get_by_kid(header["kid"]), algorithms=["RS256"])


def test_the_node_verifies_an_agreement_as_a_third_party_would(app, flow, agreement, ctoken):
    url = f"/api/v1/agreements/{agreement['id']}/verification"
    report = flow.http.get(url, headers=bearer(ctoken)).get_json()
    assert report["valid"] is True
    assert len(report["checks"]) == 5
    with app.app_context():
        session = get_session()
        row = session.get(Agreement, agreement["id"])
        row.terms = row.terms.replace("academic research", "any purpose")
        session.commit()
    broken = flow.http.get(url, headers=bearer(ctoken)).get_json()
    assert broken["valid"] is False
    failed = [c for c in broken["checks"] if not c["ok"]]
    assert [c["check"] for c in failed] == ["stored terms reproduce the contract hash"]


def test_data_tokens_serve_one_agreement_and_carry_it(flow, consumer, agreement):
    response = _data_token(flow, consumer, agreement["id"])
    assert response.status_code == 200, response.get_json()
    token = response.get_json()["access_token"]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["agreement"] == agreement["id"]
    assert claims["aud"] == "http://localhost/data"
    access = _access(flow, token, agreement["id"])
    assert access.status_code == 200
    assert access.get_json()["delivery_modes"] == ["download", "records"]
    assert _access(flow, token, "another-agreement").status_code == 403


def test_data_tokens_need_an_agreement_of_ones_own(flow, consumer, agreement, make_party):
    without = flow.client_credentials(consumer, "data:read")
    assert without.status_code == 400
    assert without.get_json()["error"] == "invalid_request"
    assert "agreement" in without.get_json()["error_description"]
    stranger = make_party("consumer", "admin", "buyer")
    foreign = _data_token(flow, stranger, agreement["id"])
    assert foreign.status_code == 400
    assert foreign.get_json()["error"] == "invalid_grant"
    misplaced = flow.client_credentials(consumer, "org:read", agreement=agreement["id"])
    assert misplaced.status_code == 400
    default = flow.client_credentials(consumer)  # no scope asked: every scope but data:read
    assert default.status_code == 200
    assert "data:read" not in default.get_json()["scope"].split()


def test_data_tokens_never_outlive_the_agreement(app, flow, consumer, agreement):
    with app.app_context():
        session = get_session()
        row = session.get(Agreement, agreement["id"])
        row.valid_until = utcnow() + timedelta(seconds=90)
        session.commit()
    token = _data_token(flow, consumer, agreement["id"]).get_json()
    assert token["expires_in"] <= 90
    claims = json.loads(base64.urlsafe_b64decode(token["access_token"].split(".")[1] + "=="))
    assert claims["exp"] <= int(time.time()) + 90


def test_data_tokens_through_the_authorization_code_flow_and_refresh(flow, consumer, agreement):
    from .support.actions import pkce_pair

    assert flow.login(consumer.user.email, consumer.password).status_code == 302
    verifier, challenge = pkce_pair()
    consent = flow.authorize(consumer, scope="data:read", challenge=challenge, agreement=agreement["id"])
    tokens = flow.exchange(consumer, flow.code_from(consent), verifier).get_json()
    assert _access(flow, tokens["access_token"], agreement["id"]).status_code == 200
    refreshed = flow.refresh(consumer, tokens["refresh_token"]).get_json()
    claims = json.loads(base64.urlsafe_b64decode(refreshed["access_token"].split(".")[1] + "=="))
    assert claims["agreement"] == agreement["id"]


def test_suspension_cuts_off_tokens_at_once_and_resumption_allows_new_ones(
    flow, consumer, agreement, ptoken, ctoken
):
    token = _data_token(flow, consumer, agreement["id"]).get_json()["access_token"]
    assert _access(flow, token, agreement["id"]).status_code == 200
    assert (
        _change(flow, ctoken, agreement["id"], "suspend", reason="x").status_code == 403
    )  # consumers cannot
    no_reason = _change(flow, ptoken, agreement["id"], "suspend")
    assert no_reason.status_code == 422
    suspended = _change(flow, ptoken, agreement["id"], "suspend", reason="invoice overdue")
    assert suspended.get_json()["status"] == "suspended"
    cut = _access(flow, token, agreement["id"])
    assert cut.status_code == 401
    assert "revoked" in cut.get_json()["detail"]
    refused = _data_token(flow, consumer, agreement["id"])
    assert refused.status_code == 400
    assert "suspended" in refused.get_json()["error_description"]
    resumed = _change(flow, ptoken, agreement["id"], "resume")
    assert resumed.get_json()["status"] == "active"
    fresh = _data_token(flow, consumer, agreement["id"]).get_json()["access_token"]
    assert _access(flow, fresh, agreement["id"]).status_code == 200


def test_termination_by_the_consumer_ends_it_for_good(flow, consumer, agreement, ctoken, ptoken):
    token = _data_token(flow, consumer, agreement["id"]).get_json()["access_token"]
    terminated = _change(flow, ctoken, agreement["id"], "terminate", reason="project finished")
    assert terminated.status_code == 200
    body = terminated.get_json()
    assert (body["status"], body["status_reason"]) == (
        "terminated",
        "terminated by the consumer: project finished",
    )
    assert _access(flow, token, agreement["id"]).status_code == 401
    introspected = flow.http.post(
        "/oauth/introspect", data={"token": token}, headers={"Authorization": "Bearer x"}
    )
    assert introspected.status_code in (400, 401)  # only resource servers may introspect
    again = _change(flow, ptoken, agreement["id"], "resume")
    assert again.status_code == 409
    assert again.get_json()["allowed"] == []
    assert _data_token(flow, consumer, agreement["id"]).status_code == 400


def test_the_operator_may_suspend_and_terminate(flow, consumer, agreement, otoken):
    assert _change(flow, otoken, agreement["id"], "suspend", reason="under investigation").status_code == 200
    ended = _change(flow, otoken, agreement["id"], "terminate", reason="policy violation confirmed")
    assert ended.get_json()["status_reason"] == "terminated by the operator: policy violation confirmed"


def test_expiry_at_the_end_of_the_term(app, flow, consumer, agreement, ctoken):
    with app.app_context():
        session = get_session()
        row = session.get(Agreement, agreement["id"])
        row.valid_until = utcnow() - timedelta(seconds=1)
        session.commit()
    seen = flow.http.get(f"/api/v1/agreements/{agreement['id']}", headers=bearer(ctoken)).get_json()
    assert seen["status"] == "expired"
    assert _data_token(flow, consumer, agreement["id"]).status_code == 400
    assert _change(flow, ctoken, agreement["id"], "terminate", reason="x").status_code == 409


def test_agreements_are_listed_for_each_side_and_hidden_from_others(
    flow, agreement, ptoken, ctoken, make_party
):
    mine = flow.http.get("/api/v1/agreements?role=consumer", headers=bearer(ctoken)).get_json()
    ours = flow.http.get("/api/v1/agreements?role=provider&status=active", headers=bearer(ptoken)).get_json()
    assert [a["id"] for a in mine] == [agreement["id"]]
    assert [a["id"] for a in ours] == [agreement["id"]]
    stranger = flow.token(make_party("consumer", "admin", "buyer"), CONSUMER_SCOPES)
    assert flow.http.get(f"/api/v1/agreements/{agreement['id']}", headers=bearer(stranger)).status_code == 404
    assert (
        flow.http.get(f"/api/v1/agreements/{agreement['id']}/contract", headers=bearer(stranger)).status_code
        == 404
    )


def test_roles_inside_the_organisations_are_checked(flow, agreement, provider, make_user, make_client):
    viewer = make_user(provider.org, "viewer")
    assert viewer.roles == ["viewer"]
    # a token of the organisation's client acts for the whole organisation; a viewer's own token does not
    from .support.actions import pkce_pair

    assert flow.login(viewer.email, provider.password).status_code == 302
    verifier, challenge = pkce_pair()
    consent = flow.authorize(provider, scope="contracts:write", challenge=challenge)
    tokens = flow.exchange(provider, flow.code_from(consent), verifier).get_json()
    response = _change(flow, tokens["access_token"], agreement["id"], "suspend", reason="x")
    assert response.status_code == 403
