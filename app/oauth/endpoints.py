"""Token introspection (RFC 7662) and revocation (RFC 7009) over JWT access and opaque refresh tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from flask import current_app

from ..db import get_session
from ..models import AccessTokenRecord, RefreshToken
from ..models.base import utcnow
from ..services import tokens as token_store
from ..services.revocation import revoke_family
from .clients import CONFIDENTIAL_METHODS, Client
from .errors import IntrospectionForbiddenError


@dataclass
class StoredToken:
    """An access or refresh token found for a presented value."""

    kind: str  # "access_token" or "refresh_token"
    access: AccessTokenRecord | None = None
    refresh: RefreshToken | None = None
    claims: dict[str, Any] | None = None

    @property
    def client_id(self) -> str:
        record = self.access or self.refresh
        assert record is not None
        return record.client_id

    def is_expired(self) -> bool:
        record = self.access or self.refresh
        return record is None or record.expires_at <= utcnow()

    def is_revoked(self) -> bool:
        if self.access is not None:
            return self.access.revoked_at is not None
        return (
            self.refresh is None or self.refresh.revoked_at is not None or self.refresh.rotated_at is not None
        )

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.get_client_id()


def find_token(value: str, hint: str | None) -> StoredToken | None:
    """Find a presented token: a JWT is verified and matched by ``jti``, anything else is a refresh token."""
    session = get_session()
    if value.count(".") == 2 and hint != "refresh_token":
        try:
            token = current_app.extensions["dxnode.keyring"].decode(value)
        except Exception:  # an undecodable or unverifiable token is simply unknown
            return None
        record = token_store.find_access_token(session, str(token.claims.get("jti")))
        return StoredToken("access_token", access=record, claims=dict(token.claims)) if record else None
    refresh = token_store.find_refresh_token(session, value)
    return StoredToken("refresh_token", refresh=refresh) if refresh else None


class Introspection(IntrospectionEndpoint):
    """Only clients registered as resource servers may ask whether a token is active."""

    CLIENT_AUTH_METHODS = list(CONFIDENTIAL_METHODS)

    def authenticate_endpoint_client(self, request: Any) -> Client:
        client: Client = super().authenticate_endpoint_client(request)
        if not client.row.is_resource_server:
            raise IntrospectionForbiddenError()
        return client

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        return find_token(token_string, token_type_hint)

    def check_permission(self, token: StoredToken, client: Client, request: Any) -> bool:
        return True

    def introspect_token(self, token: StoredToken) -> dict[str, Any]:
        if token.access is not None:
            record = token.access
            claims = token.claims or {}
            return {
                "active": True,
                "token_type": "Bearer",
                "scope": record.scope,
                "client_id": record.client_id,
                "sub": claims.get("sub"),
                "aud": claims.get("aud"),
                "iss": claims.get("iss"),
                "exp": claims.get("exp"),
                "iat": claims.get("iat"),
                "jti": record.jti,
                "org": record.org_id,
            }
        refresh = token.refresh
        assert refresh is not None
        return {
            "active": True,
            "token_type": "refresh_token",
            "scope": refresh.scope,
            "client_id": refresh.client_id,
            "sub": refresh.user_id,
            "exp": int(refresh.expires_at.timestamp()),
            "iat": int(refresh.issued_at.timestamp()),
        }


class Revocation(RevocationEndpoint):
    """A client revokes its own tokens; revoking a refresh token ends its whole family."""

    CLIENT_AUTH_METHODS = [*CONFIDENTIAL_METHODS, "none"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        return find_token(token_string, token_type_hint)

    def revoke_token(self, token: StoredToken, request: Any) -> None:
        session = get_session()
        if token.access is not None:
            token_store.revoke_access_token(session, token.access)
        elif token.refresh is not None:
            revoke_family(session, token.refresh.family_id)
