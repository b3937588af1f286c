"""The front page: a way into the catalog, what is new in it, and who takes part."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlmodel import select

from ..db import get_session
from ..models import Organization, OrgStatus
from . import bp
from .catalog_pages import newest


@bp.get("/")
def index() -> Any:
    """What this node is, a search box into its catalog, its newest datasets and its organisations."""
    session = get_session()
    orgs = session.exec(
        select(Organization).where(Organization.status == OrgStatus.ACTIVE.value).order_by(Organization.name)
    ).all()
    return render_template("index.html", organizations=orgs, newest=newest(session))
