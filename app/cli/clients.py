"""OAuth clients and the signing keys."""

from __future__ import annotations

import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from pydantic import ValidationError
from sqlmodel import col, select

from ..db import unit_of_work
from ..errors import Problem
from ..models import SigningKey
from .common import fail as _fail
from .common import org_by_name_or_id as _org_by_name_or_id


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
    from ..schemas.parties import ClientCreate
    from ..services import clients
    from ..services.actors import Actor

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
    from ..oauth.keys import create_key

    with unit_of_work() as session:
        key = create_key(session, current_app.config["SECRET_KEY"])
    current_app.extensions["dxnode.keyring"].reload()
    click.echo(f"active key {key.kid}")


@keys_group.command("retire")
@with_appcontext
def keys_retire() -> None:
    """Stop publishing keys demoted longer ago than the longest token lifetime."""
    from ..oauth.keys import retire_keys

    with unit_of_work() as session:
        retired = retire_keys(session, timedelta(seconds=int(current_app.config["ACCESS_TOKEN_TTL"]) + 60))
    click.echo(f"retired {len(retired)} key(s)")


@keys_group.command("list")
@with_appcontext
def keys_list() -> None:
    """List the signing keys and their state."""
    from ..db import get_session

    for key in get_session().exec(select(SigningKey).order_by(col(SigningKey.created_at))):
        click.echo(f"{key.kid}  {key.status:<9} {key.created_at.isoformat()}")
