"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .db import get_session
from .extensions import csrf

bp = Blueprint("health", __name__)
csrf.exempt(bp)


@bp.get("/healthz")
def healthz() -> Any:
    """The process is alive (no dependency is checked)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    """The node can serve: the database answers and its schema is migrated to the latest revision."""
    from .migrate import current_revision, head_revision

    checks: dict[str, str] = {}
    ready = True
    try:
        get_session().exec(text("SELECT 1"))  # type: ignore[call-overload]
        checks["database"] = "ok"
        current, head = current_revision(), head_revision()
        checks["schema"] = "ok" if current == head else f"at {current}, expected {head}"
        ready = current == head
    except Exception as exc:
        current_app.logger.warning("readiness check failed: %s", exc)
        checks["database"] = "unavailable"
        ready = False
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503
