"""Factories that create parties and clients through the services, as the node itself would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app.db import get_session
from app.models import OAuthClient, Organization, User
from app.schemas.parties import ClientCreate, OrganizationCreate
from app.services import clients, parties
from app.services.actors import Actor

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@dataclass
class Party:
    """An organisation with one user and one confidential client, ready to act."""

    org: Organization
    user: User
    client: OAuthClient
    secret: str | None
    password: str = PASSWORD


@pytest.fixture
def make_org(app: Flask):  # type: ignore[no-untyped-def]
    """Create an active organisation: ``make_org("consumer", jurisdiction="DE")``."""

    def make(kind: str = "provider", *, name: str | None = None, jurisdiction: str = "CN") -> Organization:
        with app.app_context():
            session = get_session()
            data = OrganizationCreate(
                name=name or f"{kind.title()} {next(_counter)}",
                kind="provider" if kind == "operator" else kind,  # type: ignore[arg-type]
                jurisdiction=jurisdiction,
                publisher_type="Company" if kind == "provider" else "NonProfitOrganisation",
            )
            org = parties.create_organization(session, Actor.node(), data, kind=kind)
            session.commit()
            return org

    return make


@pytest.fixture
def make_user(app: Flask):  # type: ignore[no-untyped-def]
    """Create a user in an organisation with roles and the standard test password."""

    def make(org: Organization, *roles: str, email: str | None = None, password: str = PASSWORD) -> User:
        with app.app_context():
            session = get_session()
            user = parties.create_user_unchecked(
                session,
                org,
                email or f"user{next(_counter)}@example.org",
                "Test User",
                password,
                list(roles or ["admin"]),
            )
            session.commit()
            return user

    return make


@pytest.fixture
def make_client(app: Flask):  # type: ignore[no-untyped-def]
    """Register an OAuth client for an organisation; returns the client and its secret."""

    def make(org: Organization, **fields: Any) -> tuple[OAuthClient, str | None]:
        spec = {"name": f"client {next(_counter)}", **fields}
        with app.app_context():
            session = get_session()
            client, secret = clients.register_client(
                session, Actor.node(), org.id, ClientCreate.model_validate(spec)
            )
            session.commit()
            return client, secret

    return make


@pytest.fixture
def make_party(make_org, make_user, make_client):  # type: ignore[no-untyped-def]
    """An organisation with an admin user and a client allowed every grant."""

    def make(kind: str = "consumer", *roles: str, jurisdiction: str = "CN", **client_fields: Any) -> Party:
        org = make_org(kind, jurisdiction=jurisdiction)
        user = make_user(org, *(roles or ("admin",)))
        fields = {
            "grant_types": ["client_credentials", "authorization_code", "refresh_token"],
            "redirect_uris": ["https://app.example.org/callback"],
            **client_fields,
        }
        client, secret = make_client(org, **fields)
        return Party(org, user, client, secret)

    return make


@pytest.fixture
def operator(make_party):  # type: ignore[no-untyped-def]
    """The operator of the exchange, with an admin user and a client."""
    return make_party("operator", "admin", "reviewer")


@pytest.fixture
def provider(make_party):  # type: ignore[no-untyped-def]
    """A provider organisation."""
    return make_party("provider", "admin", "steward")


@pytest.fixture
def consumer(make_party):  # type: ignore[no-untyped-def]
    """A consumer organisation."""
    return make_party("consumer", "admin", "buyer")


@pytest.fixture
def steward_token(flow, provider):  # type: ignore[no-untyped-def]
    """A provider's token for listing datasets."""
    return flow.token(provider, "catalog:write org:read")


@pytest.fixture
def reviewer_token(flow, operator):  # type: ignore[no-untyped-def]
    """The operator's token for reviewing listings."""
    return flow.token(operator, "catalog:write operator org:write org:read")
