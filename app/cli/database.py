"""Database migrations."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("db")
def db_group() -> None:
    """Database migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database (to the latest revision by default)."""
    from ..migrate import upgrade

    upgrade(revision)
    click.echo(f"database at {revision}")


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Fail when the models have changes no migration describes."""
    from ..migrate import check

    check()
    click.echo("models and migrations agree")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Print the revision the database is at."""
    from ..migrate import current_revision

    click.echo(current_revision() or "empty")
