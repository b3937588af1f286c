"""The ``dxnode`` command: run the node, migrate, and manage parties, clients, keys and demo data."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from pydantic import ValidationError
from sqlmodel import col, select

from .db import unit_of_work
from .errors import Problem
from .models import Organization, SigningKey


def main() -> None:
    """Entry point of the ``dxnode`` console script."""
    from . import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="Run and administer a dxnode data-exchange node.")
    cli.main(prog_name="dxnode")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    for group in (db_group, org_group, user_group, client_group, keys_group, demo_group):
        app.cli.add_command(group)


def _fail(exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            click.echo(f"error: {'.'.join(map(str, error['loc']))}: {error['msg']}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(2)


def _org_by_name_or_id(session: Any, ref: str) -> Organization:
    org = (
        session.get(Organization, ref)
        or session.exec(select(Organization).where(Organization.name == ref)).first()
    )
    if org is None:
        raise click.ClickException(f"no organisation {ref!r}")
    return org


# --- database -------------------------------------------------------------------------------------


@click.group("db")
def db_group() -> None:
    """Database migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database (to the latest revision by default)."""
    from .migrate import upgrade

    upgrade(revision)
    click.echo(f"database at {revision}")


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Fail when the models have changes no migration describes."""
    from .migrate import check

    check()
    click.echo("models and migrations agree")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Print the revision the database is at."""
    from .migrate import current_revision

    click.echo(current_revision() or "empty")


# --- organisations and users ----------------------------------------------------------------------


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
    from .schemas.parties import OrganizationCreate
    from .services import parties
    from .services.actors import Actor

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
    from .db import get_session

    for org in get_session().exec(select(Organization).order_by(Organization.name)):
        click.echo(f"{org.id}  {org.kind:<9} {org.status:<9} {org.jurisdiction}  {org.name}")


@org_group.command("set-status")
@click.argument("org")
@click.argument("status", type=click.Choice(["pending", "active", "suspended"]))
@with_appcontext
def org_set_status(org: str, status: str) -> None:
    """Admit, suspend or reinstate an organisation (by id or name)."""
    from .schemas.parties import OrganizationUpdate
    from .services import parties
    from .services.actors import Actor

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
    from .services import parties

    try:
        with unit_of_work() as session:
            org = _org_by_name_or_id(session, org_ref)
            user = parties.create_user_unchecked(session, org, email, name, password, list(roles))
    except (ValidationError, Problem) as exc:
        _fail(exc)
    click.echo(json.dumps({"id": user.id, "email": user.email, "org_id": user.org_id, "roles": user.roles}))


# --- OAuth clients and keys -----------------------------------------------------------------------


@click.group("client")
def client_group() -> None:
    """OAuth clients."""


@client_group.command("create")
@click.option("--org", "org_ref", required=True, help="organisation id or name")
@click.option("--name", required=True)
@click.option("--type", "client_type", type=click.Choice(["confidential", "public"]), default="confidential")
@click.option("--grant", "grants", multiple=True, default=["client_credentials"], show_default=True)
@click.option("--redirect-uri", "redirect_uris", multiple=True)
@click.option("--scope", default="", help="space-separated; default: all the organisation may have")
@click.option("--resource-server", is_flag=True, help="may introspect tokens")
@with_appcontext
def client_create(
    org_ref: str,
    name: str,
    client_type: str,
    grants: tuple[str, ...],
    redirect_uris: tuple[str, ...],
    scope: str,
    resource_server: bool,
) -> None:
    """Register a client; prints its secret once."""
    from .schemas.parties import ClientCreate
    from .services import clients
    from .services.actors import Actor

    try:
        data = ClientCreate.model_validate(
            {
                "name": name,
                "client_type": client_type,
                "grant_types": list(grants),
                "redirect_uris": list(redirect_uris),
                "scope": scope,
                "is_resource_server": resource_server,
            }
        )
        with unit_of_work() as session:
            org = _org_by_name_or_id(session, org_ref)
            client, secret = clients.register_client(session, Actor.node(), org.id, data)
    except (ValidationError, Problem) as exc:
        _fail(exc)
    click.echo(json.dumps({"client_id": client.client_id, "client_secret": secret, "scope": client.scope}))


@click.group("keys")
def keys_group() -> None:
    """The node's JWT signing keys."""


@keys_group.command("rotate")
@with_appcontext
def keys_rotate() -> None:
    """Make a new signing key active; the previous one keeps verifying until it is retired."""
    from .oauth.keys import create_key

    with unit_of_work() as session:
        key = create_key(session, current_app.config["SECRET_KEY"])
    current_app.extensions["dxnode.keyring"].reload()
    click.echo(f"active key {key.kid}")


@keys_group.command("retire")
@with_appcontext
def keys_retire() -> None:
    """Stop publishing keys demoted longer ago than the longest token lifetime."""
    from .oauth.keys import retire_keys

    with unit_of_work() as session:
        retired = retire_keys(session, timedelta(seconds=int(current_app.config["ACCESS_TOKEN_TTL"]) + 60))
    click.echo(f"retired {len(retired)} key(s)")


@keys_group.command("list")
@with_appcontext
def keys_list() -> None:
    """List the signing keys and their state."""
    from .db import get_session

    for key in get_session().exec(select(SigningKey).order_by(col(SigningKey.created_at))):
        click.echo(f"{key.kid}  {key.status:<9} {key.created_at.isoformat()}")


# --- demo data ------------------------------------------------------------------------------------


@click.group("demo")
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
@with_appcontext
def demo_load() -> None:
    """Load the demo marketplace (idempotent; refuses a database that holds other data)."""
    from .demo import DemoRefused, load

    try:
        path, created = load()
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"demo data {'loaded' if created else 'already present'}; credentials in {path}")


@demo_group.command("credentials")
@with_appcontext
def demo_credentials() -> None:
    """Print the demo logins and client secrets (demo only)."""
    from .demo import credentials_path, summary

    path = credentials_path()
    if not path.exists():
        raise click.ClickException("no demo data loaded: run `dxnode demo load`")
    click.echo(summary(json.loads(path.read_text())))
