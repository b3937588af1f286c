"""What the command groups share: failing with field errors, finding organisations."""

from __future__ import annotations

import sys
from typing import Any

import click
from pydantic import ValidationError
from sqlmodel import select

from ..errors import Problem
from ..models import Organization


def fail(exc: Exception) -> None:
    """Print a validation error or a problem field by field, and exit with status 2."""
    if isinstance(exc, ValidationError):
        for detail in exc.errors():
            click.echo(f"error: {'.'.join(map(str, detail['loc']))}: {detail['msg']}", err=True)
    elif isinstance(exc, Problem) and exc.errors:
        click.echo(f"error: {exc.detail}", err=True)
        for field in exc.errors:
            click.echo(f"  {field['field']}: {field['reason']}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(2)


def org_by_name_or_id(session: Any, ref: str) -> Organization:
    """An organisation named by id or by name."""
    org = (
        session.get(Organization, ref)
        or session.exec(select(Organization).where(Organization.name == ref)).first()
    )
    if org is None:
        raise click.ClickException(f"no organisation {ref!r}")
    return org
