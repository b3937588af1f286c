"""The view Authlib needs of a registered client."""

from __future__ import annotations

from authlib.oauth2.rfc6749 import ClientMixin

from ..models import OAuthClient, Organization
from ..security import digest_matches

CONFIDENTIAL_METHODS = ("client_secret_basic", "client_secret_post")


class Client(ClientMixin):
    """A registered client, as the authorization server checks it."""

    def __init__(self, row: OAuthClient, org: Organization) -> None:
        self.row = row
        self.org = org

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:
        """The redirect URI to use when none is given: only when exactly one is registered."""
        uris = self.row.redirect_uris
        return uris[0] if len(uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        """The requested scopes the client may hold (all of its scopes when none is requested)."""
        allowed = self.row.scope.split()
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exact string matching against the registered URIs, as RFC 9700 requires."""
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return digest_matches(self.row.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """Confidential clients authenticate with their secret, public clients with none."""
        if self.row.client_type == "public":
            return method == "none"
        return method in CONFIDENTIAL_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.row.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types
