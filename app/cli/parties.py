"""Organisations and users."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from pydantic import ValidationError
from sqlmodel import select

from ..db import unit_of_work
from ..errors import Problem
from ..models import Organization
from .common import fail as _fail
from .common import org_by_name_or_id as _org_by_name_or_id


@click.group("org")
def org_group() -> None:
    """Organisations."""


@org_group.command("create")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(["provider", "consumer", "operator"]), required=True)
@click.option("--jurisdiction", required=True, help="ISO 3166-1 alpha-2 code, e.g. CN")
@click.option("--email")
@click.option("--homepage")
@with_appcontext
def org_create(name: str, kind: str, jurisdiction: str, email: str | None, homepage: str | None) -> None:
    """Create and admit an organisation (use --kind operator once, for the exchange itself)."""
    from ..schemas.parties import OrganizationCreate
    from ..services import parties
    from ..services.actors import Actor

    try:
        data = OrganizationCreate.model_validate(
            {
                "name": name,
                "kind": "provider" if kind == "operator" else kind,
                "jurisdiction": jurisdiction,
                "email": email,
                "homepage": homepage,
            }
        )
        with unit_of_work() as session:
            org = parties.create_organization(session, Actor.node(), data, kind=kind)
    except (ValidationError, Problem) as exc:
        _fail(exc)
    click.echo(json.dumps({"id": org.id, "name": org.name, "kind": org.kind, "status": org.status}))


@org_group.command("list")
@with_appcontext
def org_list() -> None:
    """List every organisation."""
    from ..db import get_session

    for org in get_session().exec(select(Organization).order_by(Organization.name)):
        click.echo(f"{org.id}  {org.kind:<9} {org.status:<9} {org.jurisdiction}  {org.name}")


@org_group.command("set-status")
@click.argument("org")
@click.argument("status", type=click.Choice(["pending", "active", "suspended"]))
@with_appcontext
def org_set_status(org: str, status: str) -> None:
    """Admit, suspend or reinstate an organisation (by id or name)."""
    from ..schemas.parties import OrganizationUpdate
    from ..services import parties
    from ..services.actors import Actor

    with unit_of_work() as session:
        target = _org_by_name_or_id(session, org)
        update = OrganizationUpdate.model_validate({"status": status})
        parties.update_organization(session, Actor.node(), target.id, update)
    click.echo(f"{target.name}: {status}")


@click.group("user")
def user_group() -> None:
    """Users."""


@user_group.command("create")
@click.option("--org", "org_ref", required=True, help="organisation id or name")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, default=["admin"], show_default=True)
@click.password_option(help="at least 12 characters")
@with_appcontext
def user_create(org_ref: str, email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Create a user in an organisation."""
    from ..services import parties

    try:
        with unit_of_work() as session:
            org = _org_by_name_or_id(session, org_ref)
            user = parties.create_user_unchecked(session, org, email, name, password, list(roles))
    except (ValidationError, Problem) as exc:
        _fail(exc)
    click.echo(json.dumps({"id": user.id, "email": user.email, "org_id": user.org_id, "roles": user.roles}))
