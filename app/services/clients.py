"""OAuth clients registered by organisations: the secret is shown once and stored as a digest."""

from __future__ import annotations

from sqlmodel import Session, col, select

from .. import scopes as scope_registry
from ..errors import field_error, not_found
from ..models import OAuthClient, Role
from ..models.base import utcnow
from ..schemas.parties import ClientCreate
from ..security import digest, random_token
from .actors import Actor, require_role
from .parties import get_organization
from .revocation import revoke_holder


def register_client(
    session: Session, actor: Actor, org_id: str, data: ClientCreate
) -> tuple[OAuthClient, str | None]:
    """Register a client for an organisation; returns it with its secret (None for public clients)."""
    org = get_organization(session, actor, org_id)
    require_role(session, actor, org.id, Role.ADMIN)
    allowed = scope_registry.allowed_for(org.kind)
    requested = data.scope.split() if data.scope else allowed
    if bad := scope_registry.unknown(requested):
        raise field_error("scope", f"unknown scope {bad[0]!r}; known: {' '.join(scope_registry.SCOPES)}")
    if refused := [s for s in requested if s not in allowed]:
        raise field_error("scope", f"a {org.kind} organisation may not hold {refused[0]!r}")
    grants: list[str] = sorted(set(data.grant_types))
    if data.client_type == "public" and "client_credentials" in grants:
        raise field_error("grant_types", "a public client cannot use client_credentials: it has no secret")
    if "authorization_code" in grants and not data.redirect_uris:
        raise field_error("redirect_uris", "the authorization_code grant needs at least one redirect URI")
    if "refresh_token" in grants and "authorization_code" not in grants:
        raise field_error("grant_types", "refresh_token is only issued with authorization_code")
    secret = random_token("dxs_") if data.client_type == "confidential" else None
    client = OAuthClient(
        client_id=random_token("dxc_", 16),
        org_id=org.id,
        name=data.name,
        client_type=data.client_type,
        secret_hash=digest(secret) if secret else None,
        redirect_uris=[str(uri) for uri in data.redirect_uris],
        grant_types=grants,
        scope=" ".join(s for s in scope_registry.SCOPES if s in requested),
        is_resource_server=data.is_resource_server,
        created_by=actor.user_id,
    )
    session.add(client)
    session.flush()
    return client, secret


def list_clients(session: Session, actor: Actor, org_id: str) -> list[OAuthClient]:
    """An organisation's clients, for its members and the operator."""
    org = get_organization(session, actor, org_id)
    if not actor.is_operator and actor.org_id != org.id:
        raise not_found("organization", org_id)
    return list(
        session.exec(
            select(OAuthClient).where(OAuthClient.org_id == org.id).order_by(col(OAuthClient.created_at))
        )
    )


def get_client(session: Session, actor: Actor, org_id: str, client_id: str) -> OAuthClient:
    """One client of an organisation."""
    client = session.exec(select(OAuthClient).where(OAuthClient.client_id == client_id)).first()
    if client is None or client.org_id != org_id or not (actor.is_operator or actor.org_id == org_id):
        raise not_found("client", client_id)
    return client


def rotate_secret(session: Session, actor: Actor, org_id: str, client_id: str) -> tuple[OAuthClient, str]:
    """Give a confidential client a new secret; the old one stops working at once."""
    client = get_client(session, actor, org_id, client_id)
    require_role(session, actor, org_id, Role.ADMIN)
    if client.client_type != "confidential":
        raise field_error("client_type", "a public client has no secret to rotate", status=409)
    secret = random_token("dxs_")
    client.secret_hash = digest(secret)
    session.add(client)
    session.flush()
    return client, secret


def disable_client(session: Session, actor: Actor, org_id: str, client_id: str) -> OAuthClient:
    """Disable a client and revoke every token it holds."""
    client = get_client(session, actor, org_id, client_id)
    require_role(session, actor, org_id, Role.ADMIN)
    client.disabled_at = client.disabled_at or utcnow()
    session.add(client)
    revoke_holder(session, client_id=client.client_id)
    session.flush()
    return client
