"""Actions a party performs against the node over HTTP: getting tokens, logging in, consenting."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from .factories import Party

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page's form."""
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic(client_id: str, secret: str | None) -> dict[str, str]:
    """HTTP Basic client authentication."""
    raw = f"{client_id}:{secret or ''}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def bearer(token: str) -> dict[str, str]:
    """A bearer Authorization header."""
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Flow:
    """Helpers bound to one test client."""

    http: FlaskClient

    def client_credentials(self, party: Party, scope: str | None = None, **extra: str) -> TestResponse:
        """Ask for a client-credentials token."""
        data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {}), **extra}
        return self.http.post("/oauth/token", data=data, headers=basic(party.client.client_id, party.secret))

    def token(self, party: Party, scope: str | None = None, **extra: str) -> str:
        """A client-credentials access token, asserting the node issued one."""
        response = self.client_credentials(party, scope, **extra)
        assert response.status_code == 200, response.get_json()
        return str(response.get_json()["access_token"])

    def login(self, email: str, password: str) -> TestResponse:
        """Log in through the login form (with its CSRF token)."""
        page = self.http.get("/login")
        return self.http.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))},
        )

    def authorize(
        self,
        party: Party,
        *,
        scope: str = "org:read",
        challenge: str | None = None,
        method: str | None = "S256",
        redirect_uri: str = "https://app.example.org/callback",
        decision: str = "allow",
        **extra: str,
    ) -> TestResponse:
        """Go through the consent page as the logged-in user and answer it."""
        params: dict[str, Any] = {
            "response_type": "code",
            "client_id": party.client.client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": "xyz",
            **extra,
        }
        if challenge is not None:
            params["code_challenge"] = challenge
        if method is not None:
            params["code_challenge_method"] = method
        url = "/oauth/authorize?" + urlencode(params)
        page = self.http.get(url)
        if page.status_code != 200:
            return page
        return self.http.post(
            url, data={"decision": decision, "csrf_token": csrf_from(page.get_data(as_text=True))}
        )

    def code_from(self, response: TestResponse) -> str:
        """The authorization code in a consent redirect."""
        assert response.status_code == 302, response.get_data(as_text=True)
        query = parse_qs(urlsplit(response.headers["Location"]).query)
        assert query.get("state") == ["xyz"]
        return query["code"][0]

    def exchange(
        self,
        party: Party,
        code: str,
        verifier: str | None,
        redirect_uri: str = "https://app.example.org/callback",
    ) -> TestResponse:
        """Exchange a code for tokens."""
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if verifier is not None:
            data["code_verifier"] = verifier
        return self.http.post("/oauth/token", data=data, headers=basic(party.client.client_id, party.secret))

    def refresh(self, party: Party, refresh_token: str) -> TestResponse:
        """Use a refresh token."""
        return self.http.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            headers=basic(party.client.client_id, party.secret),
        )

    def user_tokens(self, party: Party, scope: str = "org:read") -> dict[str, Any]:
        """Log in as the party's user and run the whole authorization-code flow with PKCE."""
        assert self.login(party.user.email, party.password).status_code == 302
        verifier, challenge = pkce_pair()
        code = self.code_from(self.authorize(party, scope=scope, challenge=challenge))
        response = self.exchange(party, code, verifier)
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())


@pytest.fixture
def flow(client: FlaskClient) -> Flow:
    """OAuth and login actions over the test client."""
    return Flow(client)
