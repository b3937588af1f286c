"""The front page."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlmodel import select

from ..db import get_session
from ..models import Organization, OrgStatus
from . import bp


@bp.get("/")
def index() -> Any:
    """What this node is and who takes part in it."""
    orgs = (
        get_session()
        .exec(
            select(Organization)
            .where(Organization.status == OrgStatus.ACTIVE.value)
            .order_by(Organization.name)
        )
        .all()
    )
    return render_template("index.html", organizations=orgs)
