"""The authorization-code grant: consent page, PKCE S256 for every client, exact redirect URIs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .support.actions import bearer, csrf_from, pkce_pair


def _error_in_redirect(response) -> str:
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["Location"]).query)["error"][0]


def test_full_flow_with_pkce_gives_user_tokens(flow, consumer, app):
    tokens = flow.user_tokens(consumer, scope="org:read")
    assert tokens["refresh_token"].startswith("dxr_")
    me = flow.http.get("/api/v1/me", headers=bearer(tokens["access_token"])).get_json()
    assert me["user_id"] == consumer.user.id
    assert me["org_id"] == consumer.org.id
    assert me["roles"] == sorted(consumer.user.roles)


def test_consent_page_names_the_client_and_the_scopes(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    page = flow.http.get(
        f"/oauth/authorize?response_type=code&client_id={consumer.client.client_id}"
        f"&redirect_uri=https://app.example.org/callback&scope=org:read%20usage:read"
        f"&code_challenge={challenge}&code_challenge_method=S256&state=xyz"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert consumer.client.name in html
    assert "Read usage reports" in html
    assert "org:read" in html


def test_authorize_sends_anonymous_users_to_login(flow, consumer):
    response = flow.http.get(f"/oauth/authorize?response_type=code&client_id={consumer.client.client_id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_denied_consent_redirects_with_access_denied(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    response = flow.authorize(consumer, challenge=challenge, decision="deny")
    assert _error_in_redirect(response) == "access_denied"


def test_plain_pkce_is_refused(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    response = flow.authorize(consumer, challenge="a" * 43, method="plain")
    assert _error_in_redirect(response) == "invalid_request"
    assert "S256" in parse_qs(urlsplit(response.headers["Location"]).query)["error_description"][0]


def test_missing_pkce_is_refused_even_for_confidential_clients(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    response = flow.authorize(consumer, challenge=None, method=None)
    assert _error_in_redirect(response) == "invalid_request"


def test_challenge_without_method_is_refused(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    response = flow.authorize(consumer, challenge=challenge, method=None)
    assert _error_in_redirect(response) == "invalid_request"


def test_missing_verifier_at_the_token_endpoint_is_refused(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    code = flow.code_from(flow.authorize(consumer, challenge=challenge))
    response = flow.exchange(consumer, code, verifier=None)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_wrong_verifier_is_refused(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    code = flow.code_from(flow.authorize(consumer, challenge=challenge))
    other_verifier, _ = pkce_pair()
    response = flow.exchange(consumer, code, other_verifier)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_unregistered_redirect_uri_is_refused_without_redirecting(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    response = flow.authorize(consumer, challenge=challenge, redirect_uri="https://evil.example/callback")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert 'href="https://evil.example' not in response.get_data(as_text=True)


def test_redirect_uri_must_match_exactly(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    response = flow.authorize(consumer, challenge=challenge, redirect_uri="https://app.example.org/callback/")
    assert response.status_code == 400


def test_redirect_uri_at_exchange_must_match_the_authorization(flow, make_party):
    party = make_party(
        "consumer", redirect_uris=["https://app.example.org/callback", "https://app.example.org/b"]
    )
    flow.login(party.user.email, party.password)
    verifier, challenge = pkce_pair()
    code = flow.code_from(flow.authorize(party, challenge=challenge))
    response = flow.exchange(party, code, verifier, redirect_uri="https://app.example.org/b")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_reused_code_is_refused_and_revokes_what_it_issued(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    verifier, challenge = pkce_pair()
    code = flow.code_from(flow.authorize(consumer, challenge=challenge))
    first = flow.exchange(consumer, code, verifier)
    assert first.status_code == 200
    tokens = first.get_json()

    again = flow.exchange(consumer, code, verifier)
    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_grant"
    assert flow.http.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401
    assert flow.refresh(consumer, tokens["refresh_token"]).status_code == 400


def test_code_issued_to_another_client_is_refused(flow, consumer, make_client):
    flow.login(consumer.user.email, consumer.password)
    verifier, challenge = pkce_pair()
    code = flow.code_from(flow.authorize(consumer, challenge=challenge))
    other, secret = make_client(
        consumer.org, grant_types=["authorization_code"], redirect_uris=["https://app.example.org/callback"]
    )
    from .support.factories import Party

    response = flow.exchange(Party(consumer.org, consumer.user, other, secret), code, verifier)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_public_client_uses_pkce_without_a_secret(flow, make_party):
    party = make_party("consumer", client_type="public", grant_types=["authorization_code", "refresh_token"])
    assert party.secret is None
    flow.login(party.user.email, party.password)
    verifier, challenge = pkce_pair()
    code = flow.code_from(flow.authorize(party, challenge=challenge))
    response = flow.http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": "https://app.example.org/callback",
            "client_id": party.client.client_id,
        },
    )
    assert response.status_code == 200
    assert "refresh_token" in response.get_json()


def test_scope_beyond_the_client_is_refused(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    response = flow.authorize(consumer, challenge=challenge, scope="org:read operator")
    assert _error_in_redirect(response) == "invalid_scope"


def test_users_cannot_authorise_another_organisations_client(flow, consumer, make_party):
    stranger = make_party("consumer")
    flow.login(stranger.user.email, stranger.password)
    _, challenge = pkce_pair()
    response = flow.authorize(consumer, challenge=challenge)
    assert response.status_code == 403


def test_consent_post_without_csrf_is_refused(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    _, challenge = pkce_pair()
    url = (
        f"/oauth/authorize?response_type=code&client_id={consumer.client.client_id}"
        f"&redirect_uri=https://app.example.org/callback&scope=org:read"
        f"&code_challenge={challenge}&code_challenge_method=S256&state=xyz"
    )
    page = flow.http.get(url)
    assert csrf_from(page.get_data(as_text=True))
    response = flow.http.post(url, data={"decision": "allow"})
    assert response.status_code == 400
    assert "Location" not in response.headers
