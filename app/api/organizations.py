"""Organisations, their members and their OAuth clients."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from ..db import get_session
from ..schemas.common import Page, PageQuery
from ..schemas.parties import (
    ClientCreate,
    ClientOut,
    ClientWithSecret,
    MemberCreate,
    MemberOut,
    MemberUpdate,
    OrganizationCreate,
    OrganizationOut,
    OrganizationUpdate,
)
from ..services import clients, parties
from ..services.actors import Actor
from . import bp
from .operations import operation

TAG = "Organisations"


class OrganizationQuery(PageQuery):
    """Filters of the organisation list."""

    kind: Literal["provider", "consumer", "operator"] | None = None
    status: Literal["pending", "active", "suspended"] | None = None


class Me(BaseModel):
    """Who the token speaks for."""

    org_id: str | None
    org_kind: str | None
    user_id: str | None
    client_id: str | None
    scopes: list[str]
    roles: list[str]


@bp.get("/me")
@operation(summary="Who the access token speaks for", tag=TAG, scopes=[], response=Me)
def me(actor: Actor) -> Me:
    """The organisation, user, client and scopes behind the token; a cheap way to check a token."""
    return Me(
        org_id=actor.org_id,
        org_kind=actor.org_kind,
        user_id=actor.user_id,
        client_id=actor.client_id,
        scopes=sorted(actor.scopes),
        roles=sorted(actor.roles),
    )


@bp.get("/organizations")
@operation(
    summary="List organisations",
    tag=TAG,
    scopes=["org:read"],
    query=OrganizationQuery,
    response=Page[OrganizationOut],
)
def list_organizations(actor: Actor, query: OrganizationQuery) -> Page[OrganizationOut]:
    """Active organisations (the operator also sees pending and suspended ones), by name."""
    rows, total = parties.list_organizations(
        get_session(), actor, kind=query.kind, status=query.status, page=query.page, per_page=query.per_page
    )
    return Page[OrganizationOut](items=rows, total=total, page=query.page, per_page=query.per_page)  # type: ignore[arg-type]


@bp.post("/organizations")
@operation(
    summary="Create and admit an organisation",
    tag=TAG,
    scopes=["org:write", "operator"],
    body=OrganizationCreate,
    response=OrganizationOut,
    status=201,
    errors={409},
)
def create_organization(actor: Actor, body: OrganizationCreate) -> OrganizationOut:
    """The operator registers a provider or consumer, admitted at once."""
    return parties.create_organization(get_session(), actor, body)  # type: ignore[return-value]


@bp.get("/organizations/<org_id>")
@operation(summary="Get an organisation", tag=TAG, scopes=["org:read"], response=OrganizationOut)
def get_organization(actor: Actor, org_id: str) -> OrganizationOut:
    """One organisation."""
    return parties.get_organization(get_session(), actor, org_id)  # type: ignore[return-value]


@bp.patch("/organizations/<org_id>")
@operation(
    summary="Change an organisation",
    tag=TAG,
    scopes=["org:write"],
    body=OrganizationUpdate,
    response=OrganizationOut,
    errors={409},
)
def update_organization(actor: Actor, org_id: str, body: OrganizationUpdate) -> OrganizationOut:
    """Admins edit their profile; the operator admits, suspends and sets the credit score."""
    return parties.update_organization(get_session(), actor, org_id, body)  # type: ignore[return-value]


@bp.get("/organizations/<org_id>/members")
@operation(summary="List members", tag=TAG, scopes=["org:read"], response=list[MemberOut])
def list_members(actor: Actor, org_id: str) -> list[MemberOut]:
    """The users of an organisation."""
    return parties.list_members(get_session(), actor, org_id)  # type: ignore[return-value]


@bp.post("/organizations/<org_id>/members")
@operation(
    summary="Add a member",
    tag=TAG,
    scopes=["org:write"],
    body=MemberCreate,
    response=MemberOut,
    status=201,
    errors={409},
)
def add_member(actor: Actor, org_id: str, body: MemberCreate) -> MemberOut:
    """Create a user with a password and roles in the organisation."""
    return parties.add_member(get_session(), actor, org_id, body)  # type: ignore[return-value]


@bp.patch("/organizations/<org_id>/members/<user_id>")
@operation(
    summary="Change a member",
    tag=TAG,
    scopes=["org:write"],
    body=MemberUpdate,
    response=MemberOut,
    errors={409},
)
def update_member(actor: Actor, org_id: str, user_id: str, body: MemberUpdate) -> MemberOut:
    """Change roles, name, or disable a member (their tokens are revoked)."""
    return parties.update_member(get_session(), actor, org_id, user_id, body)  # type: ignore[return-value]


@bp.delete("/organizations/<org_id>/members/<user_id>")
@operation(summary="Remove a member", tag=TAG, scopes=["org:write"], status=204, errors={409})
def remove_member(actor: Actor, org_id: str, user_id: str) -> None:
    """Delete a member; the last admin stays."""
    parties.remove_member(get_session(), actor, org_id, user_id)


@bp.get("/organizations/<org_id>/clients")
@operation(summary="List OAuth clients", tag=TAG, scopes=["org:read"], response=list[ClientOut])
def list_clients(actor: Actor, org_id: str) -> list[ClientOut]:
    """The organisation's OAuth clients (never their secrets)."""
    return clients.list_clients(get_session(), actor, org_id)  # type: ignore[return-value]


@bp.post("/organizations/<org_id>/clients")
@operation(
    summary="Register an OAuth client",
    tag=TAG,
    scopes=["org:write"],
    body=ClientCreate,
    response=ClientWithSecret,
    status=201,
)
def register_client(actor: Actor, org_id: str, body: ClientCreate) -> ClientWithSecret:
    """Register a confidential or public client; a confidential client's secret is in this answer only."""
    client, secret = clients.register_client(get_session(), actor, org_id, body)
    return ClientWithSecret.model_validate(
        {**ClientOut.model_validate(client).model_dump(), "client_secret": secret}
    )


@bp.post("/organizations/<org_id>/clients/<client_id>/secret")
@operation(
    summary="Rotate a client secret", tag=TAG, scopes=["org:write"], response=ClientWithSecret, errors={409}
)
def rotate_client_secret(actor: Actor, org_id: str, client_id: str) -> ClientWithSecret:
    """Replace a confidential client's secret; the old one stops working at once."""
    client, secret = clients.rotate_secret(get_session(), actor, org_id, client_id)
    return ClientWithSecret.model_validate(
        {**ClientOut.model_validate(client).model_dump(), "client_secret": secret}
    )


@bp.delete("/organizations/<org_id>/clients/<client_id>")
@operation(summary="Disable an OAuth client", tag=TAG, scopes=["org:write"], response=ClientOut)
def disable_client(actor: Actor, org_id: str, client_id: str) -> ClientOut:
    """Disable a client and revoke its tokens."""
    return clients.disable_client(get_session(), actor, org_id, client_id)  # type: ignore[return-value]
