"""Managing organisations, members and clients through the JSON API, authorised by role and scope."""

from __future__ import annotations

import pytest

from .support.actions import bearer


@pytest.fixture
def op_token(flow, operator):
    return flow.token(operator, "org:read org:write operator")


def test_operator_creates_and_admits_an_organisation(flow, op_token):
    response = flow.http.post(
        "/api/v1/organizations",
        headers=bearer(op_token),
        json={
            "name": "Pearl River Utilities",
            "kind": "provider",
            "jurisdiction": "cn",
            "homepage": "https://utilities.example.cn/",
            "email": "data@utilities.example.cn",
        },
    )
    assert response.status_code == 201
    org = response.get_json()
    assert org["status"] == "active"
    assert org["jurisdiction"] == "CN"
    assert org["kind"] == "provider"
    got = flow.http.get(f"/api/v1/organizations/{org['id']}", headers=bearer(op_token))
    assert got.get_json()["name"] == "Pearl River Utilities"


def test_only_the_operator_creates_organisations(flow, provider):
    token = flow.token(provider, "org:read org:write")
    response = flow.http.post(
        "/api/v1/organizations",
        headers=bearer(token),
        json={"name": "X", "kind": "provider", "jurisdiction": "CN"},
    )
    assert response.status_code == 403


def test_bad_input_names_each_field(flow, op_token):
    response = flow.http.post(
        "/api/v1/organizations",
        headers=bearer(op_token),
        json={"name": "", "kind": "wizard", "jurisdiction": "XX", "extra": 1},
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"name", "kind", "jurisdiction", "extra"} <= fields


def test_malformed_json_and_wrong_media_type(flow, op_token):
    malformed = flow.http.post(
        "/api/v1/organizations",
        headers={**bearer(op_token), "Content-Type": "application/json"},
        data="{not json",
    )
    assert malformed.status_code == 400
    assert malformed.get_json()["errors"][0]["field"] == "body"
    form = flow.http.post("/api/v1/organizations", headers=bearer(op_token), data={"name": "x"})
    assert form.status_code == 415


def test_duplicate_names_conflict_and_nothing_is_written(flow, op_token, provider):
    response = flow.http.post(
        "/api/v1/organizations",
        headers=bearer(op_token),
        json={"name": provider.org.name.upper(), "kind": "provider", "jurisdiction": "CN"},
    )
    assert response.status_code == 409
    listing = flow.http.get("/api/v1/organizations?per_page=500", headers=bearer(op_token)).get_json()
    assert sum(o["name"].lower() == provider.org.name.lower() for o in listing["items"]) == 1


def test_listing_pages_and_filters(flow, op_token, make_org):
    for _ in range(3):
        make_org("provider")
    first = flow.http.get(
        "/api/v1/organizations?kind=provider&per_page=2", headers=bearer(op_token)
    ).get_json()
    assert first["total"] == 3
    assert len(first["items"]) == 2
    second = flow.http.get(
        "/api/v1/organizations?kind=provider&per_page=2&page=2", headers=bearer(op_token)
    ).get_json()
    assert len(second["items"]) == 1
    assert {o["id"] for o in first["items"]}.isdisjoint({o["id"] for o in second["items"]})


def test_pending_organisations_are_hidden_from_others(flow, app, consumer, operator):
    from app.db import get_session
    from app.schemas.parties import MemberCreate, OrganizationCreate
    from app.services import parties

    with app.app_context():
        session = get_session()
        org, _ = parties.apply_for_membership(
            session,
            OrganizationCreate(name="Applicant Co", kind="provider", jurisdiction="CN"),
            MemberCreate(
                email="founder@applicant.example", name="Founder", password="a long enough password"
            ),
        )
        session.commit()
    consumer_token = flow.token(consumer, "org:read")
    assert flow.http.get(f"/api/v1/organizations/{org.id}", headers=bearer(consumer_token)).status_code == 404
    op = flow.token(operator, "org:read org:write operator")
    admitted = flow.http.patch(
        f"/api/v1/organizations/{org.id}", headers=bearer(op), json={"status": "active"}
    )
    assert admitted.status_code == 200
    assert admitted.get_json()["status"] == "active"
    assert flow.http.get(f"/api/v1/organizations/{org.id}", headers=bearer(consumer_token)).status_code == 200


def test_admins_edit_their_profile_but_not_their_status(flow, provider):
    token = flow.token(provider, "org:read org:write")
    ok = flow.http.patch(
        f"/api/v1/organizations/{provider.org.id}",
        headers=bearer(token),
        json={"homepage": "https://new.example.org/"},
    )
    assert ok.status_code == 200
    assert ok.get_json()["homepage"] == "https://new.example.org/"
    refused = flow.http.patch(
        f"/api/v1/organizations/{provider.org.id}", headers=bearer(token), json={"credit_score": 1000}
    )
    assert refused.status_code == 403


def test_suspending_an_organisation_cuts_off_its_tokens(flow, operator, consumer):
    token = flow.token(consumer, "org:read")
    op = flow.token(operator, "org:read org:write operator")
    flow.http.patch(
        f"/api/v1/organizations/{consumer.org.id}", headers=bearer(op), json={"status": "suspended"}
    )
    assert flow.http.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert flow.client_credentials(consumer).status_code == 401


def test_members_are_managed_by_admins(flow, provider):
    token = flow.token(provider, "org:read org:write")
    created = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/members",
        headers=bearer(token),
        json={
            "email": "New.Steward@Example.org",
            "name": "New Steward",
            "password": "a long enough password",
            "roles": ["steward", "steward"],
        },
    )
    assert created.status_code == 201
    member = created.get_json()
    assert member["email"] == "new.steward@example.org"
    assert member["roles"] == ["steward"]
    assert "password" not in created.get_data(as_text=True)

    changed = flow.http.patch(
        f"/api/v1/organizations/{provider.org.id}/members/{member['id']}",
        headers=bearer(token),
        json={"roles": ["steward", "finance"]},
    )
    assert changed.get_json()["roles"] == ["finance", "steward"]
    members = flow.http.get(
        f"/api/v1/organizations/{provider.org.id}/members", headers=bearer(token)
    ).get_json()
    assert {m["email"] for m in members} == {provider.user.email, "new.steward@example.org"}

    removed = flow.http.delete(
        f"/api/v1/organizations/{provider.org.id}/members/{member['id']}", headers=bearer(token)
    )
    assert removed.status_code == 204


def test_short_password_and_duplicate_email_are_refused(flow, provider):
    token = flow.token(provider, "org:read org:write")
    short = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/members",
        headers=bearer(token),
        json={"email": "a@example.org", "name": "A", "password": "short"},
    )
    assert short.status_code == 422
    assert short.get_json()["errors"][0]["field"] == "password"
    duplicate = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/members",
        headers=bearer(token),
        json={"email": provider.user.email, "name": "A", "password": "a long enough password"},
    )
    assert duplicate.status_code == 409


def test_the_last_admin_cannot_be_removed_or_demoted(flow, provider):
    token = flow.token(provider, "org:read org:write")
    url = f"/api/v1/organizations/{provider.org.id}/members/{provider.user.id}"
    assert flow.http.patch(url, headers=bearer(token), json={"roles": ["viewer"]}).status_code == 409
    assert flow.http.delete(url, headers=bearer(token)).status_code == 409


def test_a_user_without_the_admin_role_cannot_add_members(flow, make_party):
    party = make_party("provider", "steward")
    tokens = flow.user_tokens(party, scope="org:read org:write")
    response = flow.http.post(
        f"/api/v1/organizations/{party.org.id}/members",
        headers=bearer(tokens["access_token"]),
        json={"email": "x@example.org", "name": "X", "password": "a long enough password"},
    )
    assert response.status_code == 403
    assert "admin" in response.get_json()["detail"]


def test_other_organisations_members_are_invisible(flow, provider, consumer):
    token = flow.token(consumer, "org:read org:write")
    assert (
        flow.http.get(f"/api/v1/organizations/{provider.org.id}/members", headers=bearer(token)).status_code
        == 404
    )
    added = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/members",
        headers=bearer(token),
        json={"email": "x@example.org", "name": "X", "password": "a long enough password"},
    )
    assert added.status_code == 403


def test_client_registration_shows_the_secret_once(flow, consumer):
    token = flow.token(consumer, "org:read org:write")
    created = flow.http.post(
        f"/api/v1/organizations/{consumer.org.id}/clients",
        headers=bearer(token),
        json={"name": "Reporting job", "scope": "usage:read billing:read"},
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["client_secret"].startswith("dxs_")
    assert body["scope"] == "usage:read billing:read"
    listing = flow.http.get(f"/api/v1/organizations/{consumer.org.id}/clients", headers=bearer(token))
    assert body["client_secret"] not in listing.get_data(as_text=True)
    assert body["client_id"] in listing.get_data(as_text=True)


def test_client_registration_checks_scopes_and_grants(flow, consumer):
    token = flow.token(consumer, "org:read org:write")
    url = f"/api/v1/organizations/{consumer.org.id}/clients"
    operator_scope = flow.http.post(
        url, headers=bearer(token), json={"name": "x", "scope": "catalog:write operator"}
    )
    assert operator_scope.status_code == 422
    assert operator_scope.get_json()["errors"][0]["field"] == "scope"
    no_redirect = flow.http.post(
        url, headers=bearer(token), json={"name": "x", "grant_types": ["authorization_code"]}
    )
    assert no_redirect.get_json()["errors"][0]["field"] == "redirect_uris"
    public_cc = flow.http.post(url, headers=bearer(token), json={"name": "x", "client_type": "public"})
    assert public_cc.get_json()["errors"][0]["field"] == "grant_types"
    bad_uri = flow.http.post(
        url,
        headers=bearer(token),
        json={"name": "x", "redirect_uris": ["not a url"], "grant_types": ["authorization_code"]},
    )
    assert bad_uri.status_code == 422
    assert bad_uri.get_json()["errors"][0]["field"] == "redirect_uris.0"


def test_rotating_a_secret_retires_the_old_one(flow, consumer):
    token = flow.token(consumer, "org:read org:write")
    rotated = flow.http.post(
        f"/api/v1/organizations/{consumer.org.id}/clients/{consumer.client.client_id}/secret",
        headers=bearer(token),
    )
    assert rotated.status_code == 200
    new_secret = rotated.get_json()["client_secret"]
    assert flow.client_credentials(consumer).status_code == 401
    consumer.secret = new_secret
    assert flow.client_credentials(consumer).status_code == 200
