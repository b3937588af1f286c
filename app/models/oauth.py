"""OAuth 2 clients, authorization codes, token records and the node's signing keys.

No secret is stored as given: client secrets, authorization codes and refresh tokens are kept as
SHA-256 digests (they are long random strings, so a fast hash is enough), access tokens are JWTs
whose ``jti`` alone is recorded, and private signing keys are encrypted with the node's secret key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, json_list, new_id, utcnow


class OAuthClient(SQLModel, table=True):
    """A client registered by an organisation (confidential with a secret, or public with PKCE only)."""

    __tablename__ = "oauth_client"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    client_id: str = Field(max_length=64, unique=True)
    org_id: str = Field(foreign_key="organization.id", index=True, max_length=36, ondelete="CASCADE")
    name: str = Field(max_length=200)
    client_type: str = Field(max_length=16, description="confidential | public")
    secret_hash: str | None = Field(default=None, max_length=64)
    redirect_uris: list[str] = Field(default_factory=list, sa_column=Column(json_list(), nullable=False))
    grant_types: list[str] = Field(default_factory=list, sa_column=Column(json_list(), nullable=False))
    scope: str = Field(default="", max_length=1000, description="space-separated scopes it may ask for")
    is_resource_server: bool = Field(default=False, description="may call token introspection")
    created_by: str | None = Field(default=None, foreign_key="user.id", max_length=36, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuthorizationCode(SQLModel, table=True):
    """A one-time code from the consent page, bound to a client, a redirect URI and a PKCE challenge."""

    __tablename__ = "oauth_authorization_code"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    code_hash: str = Field(max_length=64, unique=True)
    client_id: str = Field(max_length=64, index=True)
    user_id: str = Field(foreign_key="user.id", max_length=36, ondelete="CASCADE")
    redirect_uri: str = Field(max_length=1000)
    scope: str = Field(max_length=1000)
    resource: str | None = Field(default=None, max_length=500)
    agreement_id: str | None = Field(
        default=None, max_length=36, description="the agreement data:read serves"
    )
    code_challenge: str = Field(max_length=128)
    code_challenge_method: str = Field(max_length=8)
    family_id: str = Field(default_factory=new_id, max_length=36, description="tokens issued from this code")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RefreshToken(SQLModel, table=True):
    """One refresh token of a family; using it rotates it, reusing a rotated one revokes the family."""

    __tablename__ = "oauth_refresh_token"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    token_hash: str = Field(max_length=64, unique=True)
    family_id: str = Field(max_length=36, index=True)
    client_id: str = Field(max_length=64, index=True)
    user_id: str | None = Field(default=None, foreign_key="user.id", max_length=36, ondelete="CASCADE")
    scope: str = Field(max_length=1000)
    resource: str | None = Field(default=None, max_length=500)
    agreement_id: str | None = Field(default=None, max_length=36, index=True)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    rotated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccessTokenRecord(SQLModel, table=True):
    """What the node remembers of an issued JWT access token: enough to introspect and revoke it."""

    __tablename__ = "oauth_access_token"

    jti: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=64, index=True)
    org_id: str = Field(max_length=36, index=True)
    user_id: str | None = Field(default=None, max_length=36)
    family_id: str | None = Field(default=None, max_length=36, index=True)
    scope: str = Field(max_length=1000)
    audience: str = Field(max_length=1000)
    agreement_id: str | None = Field(default=None, max_length=36, index=True)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class SigningKey(SQLModel, table=True):
    """A key the node signs JWTs with: `active` signs, `retiring` still verifies, `retired` is gone."""

    __tablename__ = "signing_key"

    kid: str = Field(primary_key=True, max_length=64)
    alg: str = Field(default="RS256", max_length=16)
    private_pem: str = Field(sa_column=Column(Text, nullable=False))
    public_jwk: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="active", max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
