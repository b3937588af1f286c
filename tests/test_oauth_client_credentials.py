"""The client-credentials grant and the checks every protected call makes on its token."""

from __future__ import annotations

import time

from app.db import get_session
from app.models import AccessTokenRecord

from .support.actions import basic, bearer


def test_client_credentials_issues_a_short_lived_jwt(flow, consumer, app):
    response = flow.client_credentials(consumer, "org:read usage:read")
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert body["scope"] == "org:read usage:read"
    assert "refresh_token" not in body
    assert response.headers["Cache-Control"] == "no-store"

    me = flow.http.get("/api/v1/me", headers=bearer(body["access_token"])).get_json()
    assert me["org_id"] == consumer.org.id
    assert me["client_id"] == consumer.client.client_id
    assert me["user_id"] is None
    assert me["scopes"] == ["org:read", "usage:read"]


def test_token_is_rfc9068_shaped(flow, consumer, app):
    token = flow.token(consumer, "org:read")
    with app.app_context():
        decoded = app.extensions["dxnode.keyring"].decode(token)
    assert decoded.header["typ"] == "at+jwt"
    assert decoded.header["alg"] == "RS256"
    claims = decoded.claims
    assert claims["iss"] == "http://localhost"
    assert claims["aud"] == "http://localhost/api"
    assert claims["sub"] == consumer.client.client_id
    assert claims["client_id"] == consumer.client.client_id
    assert claims["exp"] - claims["iat"] == 600
    assert claims["jti"]


def test_without_scope_the_client_gets_all_its_scopes_but_data_read(flow, consumer):
    body = flow.client_credentials(consumer).get_json()
    assert "data:read" in consumer.client.scope.split()
    # data:read tokens serve one agreement, so they are issued only when one is named
    assert set(body["scope"].split()) == set(consumer.client.scope.split()) - {"data:read"}


def test_wrong_secret_is_refused(flow, consumer):
    response = flow.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(consumer.client.client_id, "dxs_not-the-secret"),
    )
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "invalid_client"
    assert body["status"] == 401
    assert body["type"].endswith("/oauth/invalid_client")


def test_unknown_client_is_refused(flow):
    response = flow.http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("dxc_nobody", "secret")
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_secret_in_the_body_works_too(flow, consumer):
    response = flow.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": consumer.client.client_id,
            "client_secret": consumer.secret,
        },
    )
    assert response.status_code == 200


def test_scope_the_client_may_not_hold_is_refused(flow, consumer):
    response = flow.client_credentials(consumer, "org:read operator")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_scope"


def test_unknown_scope_is_refused(flow, consumer):
    response = flow.client_credentials(consumer, "everything")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_scope"


def test_public_client_cannot_use_client_credentials(flow, make_party):
    party = make_party("consumer", grant_types=["authorization_code"], client_type="public")
    response = flow.http.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": party.client.client_id}
    )
    assert response.status_code in (400, 401)
    assert response.get_json()["error"] in {"invalid_client", "unauthorized_client"}


def test_unsupported_grant_type(flow, consumer):
    response = flow.http.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "a", "password": "b"},
        headers=basic(consumer.client.client_id, consumer.secret),
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


def test_missing_token_gets_401_with_challenge(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.mimetype == "application/problem+json"


def test_garbage_token_is_refused(client):
    response = client.get("/api/v1/me", headers=bearer("not.a.jwt"))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expired_token_is_refused(flow, consumer, app):
    token = flow.token(consumer, "org:read")
    with app.app_context():
        keyring = app.extensions["dxnode.keyring"]
        claims = dict(keyring.decode(token).claims)
    claims.update(iat=int(time.time()) - 1200, nbf=int(time.time()) - 1200, exp=int(time.time()) - 600)
    with app.app_context():
        expired = keyring.sign(claims)
    response = flow.http.get("/api/v1/me", headers=bearer(expired))
    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]


def test_token_signed_by_another_key_is_refused(flow, consumer, app):
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    token = flow.token(consumer, "org:read")
    with app.app_context():
        claims = dict(app.extensions["dxnode.keyring"].decode(token).claims)
        kid = app.extensions["dxnode.keyring"].jwks()["keys"][0]["kid"]
    forged = jwt.encode({"alg": "RS256", "typ": "at+jwt", "kid": kid}, claims, RSAKey.generate_key(2048))
    response = flow.http.get("/api/v1/me", headers=bearer(forged))
    assert response.status_code == 401


def test_unsigned_token_is_refused(flow, consumer, app):
    import base64
    import json

    token = flow.token(consumer, "org:read")
    _header, payload, _ = token.split(".")
    none_header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "at+jwt"}).encode()).rstrip(b"=")
    response = flow.http.get("/api/v1/me", headers=bearer(f"{none_header.decode()}.{payload}."))
    assert response.status_code == 401


def test_wrong_audience_is_refused(flow, consumer):
    token = flow.token(consumer, "org:read", resource="http://localhost/data")
    response = flow.http.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert "not meant for this resource server" in response.get_json()["detail"]


def test_unknown_resource_is_refused(flow, consumer):
    response = flow.client_credentials(consumer, "org:read", resource="https://elsewhere.example/api")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_target"


def test_data_scope_alone_is_refused_without_an_agreement(flow, consumer):
    # tokens for the data audience serve one agreement (tests/test_contract_agreements.py issues them)
    response = flow.client_credentials(consumer, "data:read")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_missing_scope_is_403_naming_it(flow, consumer):
    token = flow.token(consumer, "usage:read")
    response = flow.http.get("/api/v1/organizations", headers=bearer(token))
    assert response.status_code == 403
    assert "org:read" in response.get_json()["detail"]
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_each_issued_token_is_recorded_without_its_value(flow, consumer, app):
    token = flow.token(consumer, "org:read")
    with app.app_context():
        records = get_session().exec(__import__("sqlmodel").select(AccessTokenRecord)).all()
    assert len(records) == 1
    assert records[0].client_id == consumer.client.client_id
    assert token not in repr(records[0].model_dump())


def test_disabled_client_cannot_get_tokens_and_its_tokens_stop_working(flow, consumer, app):
    token = flow.token(consumer, "org:read org:write")
    response = flow.http.delete(
        f"/api/v1/organizations/{consumer.org.id}/clients/{consumer.client.client_id}", headers=bearer(token)
    )
    assert response.status_code == 200
    assert response.get_json()["disabled_at"] is not None
    assert flow.http.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert flow.client_credentials(consumer).status_code == 401
