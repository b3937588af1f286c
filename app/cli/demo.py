"""Demo data."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext


@click.group("demo")
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
@click.option(
    "--partner-of",
    metavar="CATALOG_URL",
    help="load the partner exchange instead, harvesting the demo node whose catalog is at this URL",
)
@with_appcontext
def demo_load(partner_of: str | None) -> None:
    """Load the demo marketplace (idempotent; refuses a database that holds other data)."""
    from ..demo import DemoRefused, load

    try:
        path, created = load(partner_of)
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"demo data {'loaded' if created else 'already present'}; credentials in {path}")


@demo_group.command("credentials")
@with_appcontext
def demo_credentials() -> None:
    """Print the demo logins and client secrets (demo only)."""
    from ..demo import credentials_path, summary

    path = credentials_path()
    if not path.exists():
        raise click.ClickException("no demo data loaded: run `dxnode demo load`")
    click.echo(summary(json.loads(path.read_text())))
