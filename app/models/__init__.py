"""SQLModel tables, one module per domain; importing this package registers them all on one metadata."""

from .base import metadata
from .oauth import AccessTokenRecord, AuthorizationCode, OAuthClient, RefreshToken, SigningKey
from .parties import Organization, OrgKind, OrgStatus, Role, User

__all__ = [
    "AccessTokenRecord",
    "AuthorizationCode",
    "OAuthClient",
    "OrgKind",
    "OrgStatus",
    "Organization",
    "RefreshToken",
    "Role",
    "SigningKey",
    "User",
    "metadata",
]
