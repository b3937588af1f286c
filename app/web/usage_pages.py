"""An agreement's usage on the pages: the daily table, the totals, the quota left, and the CSV of the days.

Both views call ``usage_reports``, which decides who may see the figures: the agreement's consumer, its
provider and the operator.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from pydantic import ValidationError

from .. import journal
from ..db import get_session
from ..errors import Problem, from_validation_error
from ..models import Agreement, Dataset, Organization
from ..node import contract_context
from ..responses import csv_attachment
from ..schemas.usage import UsageQuery
from ..services import usage_reports
from ..services.actors import Actor
from ..services.agreements import get_agreement
from . import bp
from .listings import title_of
from .session import current_user, login_required, web_actor

LABELS = {"from": "From", "to": "To"}


@bp.get("/agreements/<agreement_id>/usage")
@login_required
def agreement_usage(agreement_id: str) -> Any:
    """The agreement's usage per UTC day over the chosen days (by default the last 30), with its quota."""
    query, problem = _query()
    if problem is not None:
        agreement = get_agreement(get_session(), _actor(), agreement_id, contract_context())
        return _page(agreement, None, problem), problem.status
    report = _report(agreement_id, query)
    return _page(report.agreement, report, None)


@bp.get("/agreements/<agreement_id>/usage.csv")
@login_required
def agreement_usage_csv(agreement_id: str) -> Response:
    """The days of the usage table as CSV, with a header row."""
    query, problem = _query()
    if problem is not None:
        raise problem
    report = _report(agreement_id, query)
    return csv_attachment(usage_reports.to_csv(report), usage_reports.csv_filename(report))


def _query() -> tuple[UsageQuery, Problem | None]:
    """The period asked for in the query string; empty fields take their defaults."""
    asked = {name: request.args[name] for name in ("from", "to") if request.args.get(name)}
    try:
        return UsageQuery.model_validate(asked), None
    except ValidationError as exc:
        return UsageQuery.model_validate({}), from_validation_error(exc)


def _actor() -> Actor:
    user = current_user()
    assert user is not None  # behind login_required
    org = get_session().get(Organization, user.org_id)
    assert org is not None
    return web_actor(user, org)


def _report(agreement_id: str, query: UsageQuery) -> usage_reports.AgreementUsage:
    journal.settle()
    period = usage_reports.Period(query.first, query.to)
    return usage_reports.agreement_usage(get_session(), _actor(), agreement_id, period, contract_context())


def _page(agreement: Agreement, report: usage_reports.AgreementUsage | None, problem: Problem | None) -> str:
    dataset = get_session().get(Dataset, agreement.dataset_id)
    assert dataset is not None
    errors, summary = _errors(problem)
    return render_template(
        "contracts/usage.html",
        a=agreement,
        report=report,
        dataset=dataset,
        title=title_of(dataset.title),
        asked={name: request.args.get(name, "") for name in ("from", "to")},
        problem=problem,
        errors=errors,
        summary=summary,
    )


def _errors(problem: Problem | None) -> tuple[dict[str, list[str]], list[dict[str, Any]]]:
    """Errors by the id of the date field they are about (``usage-from``), and the summary above."""
    errors: dict[str, list[str]] = {}
    summary = []
    for error in problem.errors if problem else []:
        field, reason = str(error["field"]), str(error["reason"])
        slot = f"usage-{field}" if field in LABELS else None
        if slot:
            errors.setdefault(slot, []).append(reason)
        summary.append({"slot": slot, "label": LABELS.get(field, field), "reason": reason, "path": None})
    return errors, summary
