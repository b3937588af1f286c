"""Introspection, revocation, JWKS with key rotation, and the RFC 8414 metadata."""

from __future__ import annotations

from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from .support.actions import basic, bearer


def _introspect(flow, party, token, **extra):
    return flow.http.post(
        "/oauth/introspect",
        data={"token": token, **extra},
        headers=basic(party.client.client_id, party.secret),
    )


def test_metadata_passes_authlib_validation(client):
    response = client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    metadata = AuthorizationServerMetadata(response.get_json())
    metadata.validate()
    assert metadata["issuer"] == "http://localhost"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "implicit" not in metadata["grant_types_supported"]
    assert "password" not in metadata["grant_types_supported"]


def test_resource_server_introspects_an_access_token(flow, consumer, make_party):
    rs = make_party("operator", is_resource_server=True, grant_types=["client_credentials"], redirect_uris=[])
    token = flow.token(consumer, "org:read")
    body = _introspect(flow, rs, token).get_json()
    assert body["active"] is True
    assert body["client_id"] == consumer.client.client_id
    assert body["scope"] == "org:read"
    assert body["org"] == consumer.org.id


def test_introspecting_a_refresh_token(flow, consumer, make_party):
    rs = make_party("operator", is_resource_server=True, grant_types=["client_credentials"], redirect_uris=[])
    tokens = flow.user_tokens(consumer)
    body = _introspect(flow, rs, tokens["refresh_token"], token_type_hint="refresh_token").get_json()
    assert body["active"] is True
    assert body["sub"] == consumer.user.id


def test_only_resource_servers_may_introspect(flow, consumer):
    token = flow.token(consumer, "org:read")
    response = _introspect(flow, consumer, token)
    assert response.status_code == 403
    assert response.get_json()["error"] == "unauthorized_client"


def test_introspection_needs_client_authentication(flow, consumer):
    token = flow.token(consumer, "org:read")
    response = flow.http.post("/oauth/introspect", data={"token": token})
    assert response.status_code == 401


def test_unknown_token_is_inactive(flow, make_party):
    rs = make_party("operator", is_resource_server=True, grant_types=["client_credentials"], redirect_uris=[])
    assert _introspect(flow, rs, "dxr_made-up").get_json() == {"active": False}
    assert _introspect(flow, rs, "a.b.c").get_json() == {"active": False}


def test_revoked_access_token_is_refused_and_inactive(flow, consumer, make_party):
    rs = make_party("operator", is_resource_server=True, grant_types=["client_credentials"], redirect_uris=[])
    token = flow.token(consumer, "org:read")
    assert flow.http.get("/api/v1/me", headers=bearer(token)).status_code == 200

    response = flow.http.post(
        "/oauth/revoke", data={"token": token}, headers=basic(consumer.client.client_id, consumer.secret)
    )
    assert response.status_code == 200

    refused = flow.http.get("/api/v1/me", headers=bearer(token))
    assert refused.status_code == 401
    assert "revoked" in refused.get_json()["detail"]
    assert _introspect(flow, rs, token).get_json() == {"active": False}


def test_revocation_seen_by_another_worker_through_the_database(flow, consumer, app):
    """A second app on the same database (another worker) learns of a revocation by polling."""
    from app import create_app

    token = flow.token(consumer, "org:read")
    other = create_app(
        {k: v for k, v in app.config.items() if k in {"DATABASE_URL", "SECRET_KEY", "BASE_URL"}}
        | {"TESTING": True, "REVOCATION_POLL": 0.0}
    )
    other_client = other.test_client()
    try:
        assert other_client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        flow.http.post(
            "/oauth/revoke", data={"token": token}, headers=basic(consumer.client.client_id, consumer.secret)
        )
        assert other_client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    finally:
        other.extensions["dxnode.db"].kw["bind"].dispose()


def test_revoking_a_refresh_token_ends_its_family(flow, consumer):
    tokens = flow.user_tokens(consumer)
    response = flow.http.post(
        "/oauth/revoke",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        headers=basic(consumer.client.client_id, consumer.secret),
    )
    assert response.status_code == 200
    assert flow.refresh(consumer, tokens["refresh_token"]).status_code == 400
    assert flow.http.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_a_client_cannot_revoke_another_clients_token(flow, consumer, make_party):
    other = make_party("consumer")
    token = flow.token(consumer, "org:read")
    response = flow.http.post(
        "/oauth/revoke", data={"token": token}, headers=basic(other.client.client_id, other.secret)
    )
    assert response.status_code == 400
    assert flow.http.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_revoking_an_unknown_token_is_not_an_error(flow, consumer):
    response = flow.http.post(
        "/oauth/revoke",
        data={"token": "dxr_nothing"},
        headers=basic(consumer.client.client_id, consumer.secret),
    )
    assert response.status_code == 200


def test_jwks_publishes_the_signing_key(flow, consumer, client):
    token = flow.token(consumer, "org:read")
    jwks = client.get("/oauth/jwks")
    assert jwks.status_code == 200
    assert jwks.mimetype == "application/jwk-set+json"
    keys = jwks.get_json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["use"] == "sig"
    assert "d" not in keys[0]
    assert "p" not in keys[0]

    from joserfc import jwt
    from joserfc.jwk import KeySet

    decoded = jwt.decode(token, KeySet.import_key_set(jwks.get_json()))
    assert decoded.claims["client_id"] == consumer.client.client_id


def test_key_rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key(flow, consumer, runner, app):
    old_token = flow.token(consumer, "org:read")
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new_token = flow.token(consumer, "org:read")

    keys = {k["kid"] for k in flow.http.get("/oauth/jwks").get_json()["keys"]}
    assert len(keys) == 2
    with app.app_context():
        keyring = app.extensions["dxnode.keyring"]
        assert keyring.decode(old_token).header["kid"] != keyring.decode(new_token).header["kid"]
    assert flow.http.get("/api/v1/me", headers=bearer(old_token)).status_code == 200
    assert flow.http.get("/api/v1/me", headers=bearer(new_token)).status_code == 200


def test_retired_keys_leave_the_jwks(runner, flow, consumer, app):
    from datetime import timedelta

    from app.db import get_session
    from app.oauth.keys import retire_keys

    flow.token(consumer, "org:read")
    runner.invoke(args=["keys", "rotate"])
    with app.app_context():
        session = get_session()
        assert retire_keys(session, timedelta(seconds=-1))
        session.commit()
        app.extensions["dxnode.keyring"].reload()
    assert len(flow.http.get("/oauth/jwks").get_json()["keys"]) == 1
