"""The operator's review of listings: what waits, why it needs a review, approve or reject it."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, has_request_context, redirect, render_template, url_for
from pydantic import ValidationError
from sqlmodel import col, select

from ..db import get_session
from ..errors import Problem, not_found
from ..models import Dataset, DatasetStatus, Organization, OrgKind
from ..schemas.catalog import Transition
from ..services import dataset_status
from ..services.actors import Actor
from ..services.dataset_bundles import load_bundles
from . import bp
from .dataset_forms import ReasonForm
from .listings import as_problem, posted, title_of
from .session import current_user, login_required, may, member

REVIEWERS = frozenset({"reviewer", "admin"})
REVIEW_ACTIONS = [
    name for name, action in dataset_status.ACTIONS.items() if action.by_operator and not action.by_owner
]
DONE = {"approve": "is approved and published", "reject": "is sent back to its publisher as a draft"}


def _reviewer() -> tuple[Organization, Actor]:
    return member(
        OrgKind.OPERATOR.value, REVIEWERS, "listings are reviewed by the operator's reviewers and admins"
    )


@bp.app_context_processor
def _navigation() -> dict[str, bool]:
    user = current_user() if has_request_context() else None
    org = get_session().get(Organization, user.org_id) if user else None
    return {"may_review": may(user, org, OrgKind.OPERATOR.value, REVIEWERS)}


@bp.get("/review")
@login_required
def review() -> Any:
    """The listings waiting for review, oldest first."""
    _reviewer()
    return _page()


@bp.post("/review/<dataset_id>/<action>")
@login_required
def decide(dataset_id: str, action: str) -> Any:
    """Approve a listing (it is published) or reject it with a reason (it goes back to draft)."""
    _, actor = _reviewer()
    if action not in REVIEW_ACTIONS:
        raise not_found("action", action)
    form = posted(ReasonForm())
    try:
        reason = Transition(reason=form.reason.data or None).reason
        row = dataset_status.transition(get_session(), actor, dataset_id, action, reason, _base())
    except (ValidationError, Problem) as exc:
        return _page(as_problem(exc), dataset_id)
    flash(f"“{title_of(row.title)}” {DONE[action]}.", "info")
    return redirect(url_for("web.review"))


def _page(problem: Problem | None = None, failed: str | None = None) -> Any:
    """The review page; a refused decision is explained at the top and next to its reason field."""
    session = get_session()
    rows = session.exec(
        select(Dataset)
        .where(Dataset.status == DatasetStatus.IN_REVIEW.value)
        .order_by(col(Dataset.updated_at), col(Dataset.id))
    ).all()
    errors = problem.errors if problem else []
    reason_error = next((e["reason"] for e in errors if e["field"] == "reason"), None)
    summary = [
        {"slot": f"reason-{failed}", "label": "Reason for rejecting", "reason": e["reason"]}
        if e["field"] == "reason"
        else {"slot": None, "label": e["field"], "reason": e["reason"]}
        for e in errors
    ]
    page = render_template(
        "review/index.html",
        summary=summary,
        bundles=load_bundles(session, rows),
        problem=problem,
        errors={},
        failed=failed,
        reason_error=reason_error,
    )
    return page, problem.status if problem else 200


def _base() -> str:
    return str(current_app.config["BASE_URL"])
