"""The operator's federation pages: the harvest sources, their runs with counts and per-record errors."""

from __future__ import annotations

from typing import Any

from flask import flash, has_request_context, redirect, render_template, url_for

from ..db import get_session
from ..errors import Problem
from ..models import Organization, OrgKind
from ..services import harvest_jobs, harvest_sources
from ..services.actors import Actor
from . import bp
from .session import current_user, login_required, may, member

OPERATOR_ADMINS = frozenset({"admin"})


def _operator() -> Actor:
    _, actor = member(
        OrgKind.OPERATOR.value, OPERATOR_ADMINS, "federation is managed by the operator's admins"
    )
    return actor


@bp.app_context_processor
def _navigation() -> dict[str, bool]:
    user = current_user() if has_request_context() else None
    org = get_session().get(Organization, user.org_id) if user else None
    return {"may_harvest": may(user, org, OrgKind.OPERATOR.value, OPERATOR_ADMINS)}


@bp.get("/harvest")
@login_required
def harvest_sources_page() -> Any:
    """Every harvest source with its settings and live datasets, and the latest runs of all of them."""
    actor = _operator()
    session = get_session()
    sources = harvest_sources.list_sources(session, actor)
    counts = harvest_sources.live_counts(session, [s.id for s in sources])
    runs, _ = harvest_jobs.list_runs(session, actor, None, 1, 50)
    names = {s.id: s.name for s in sources}
    return render_template("harvest/index.html", sources=sources, counts=counts, runs=runs, names=names)


@bp.post("/harvest/sources/<source_id>/run")
@login_required
def harvest_now(source_id: str) -> Any:
    """Queue a run of the source now."""
    actor = _operator()
    try:
        run = harvest_jobs.start_run(get_session(), actor, source_id, trigger="manual")
    except Problem as problem:
        if problem.status != 409:
            raise
        flash(problem.detail, "error")
        return redirect(url_for("web.harvest_sources_page"))
    flash("The run is queued; reload this page to follow it.", "success")
    return redirect(url_for("web.harvest_run_page", run_id=run.id))


@bp.get("/harvest/runs/<run_id>")
@login_required
def harvest_run_page(run_id: str) -> Any:
    """One run: how it ended, its counts, and each record it could not keep."""
    actor = _operator()
    session = get_session()
    run = harvest_jobs.get_run(session, actor, run_id)
    source = harvest_sources.get_source(session, actor, run.source_id)
    return render_template("harvest/run.html", run=run, source=source)
