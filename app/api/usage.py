"""Usage reports: an agreement's deliveries per UTC day (JSON or CSV), and an organisation's totals."""

from __future__ import annotations

from typing import Any

from flask import Response

from .. import journal
from ..db import get_session
from ..node import contract_context
from ..responses import csv_attachment
from ..schemas.usage import AgreementUsageOut, UsageQuery, UsageSummaryOut, UsageSummaryQuery
from ..services import usage_reports
from ..services.actors import Actor
from . import bp
from .operations import operation

USAGE = "Usage"


def _report(actor: Actor, agreement_id: str, query: UsageQuery) -> usage_reports.AgreementUsage:
    journal.settle()
    period = usage_reports.Period(query.first, query.to)
    return usage_reports.agreement_usage(get_session(), actor, agreement_id, period, contract_context())


@bp.get("/agreements/<agreement_id>/usage")
@operation(
    summary="An agreement's usage",
    tag=USAGE,
    scopes=["usage:read"],
    query=UsageQuery,
    response=AgreementUsageOut,
)
def agreement_usage(actor: Actor, agreement_id: str, query: UsageQuery) -> dict[str, Any]:
    """Uses counted, records, bytes, deliveries and refusals per UTC day from `from` to `to` (both
    inclusive; by default the 30 days ending today), their totals, and the quota over the whole term.
    For the agreement's consumer, its provider and the operator."""
    return usage_reports.to_output(_report(actor, agreement_id, query))


@bp.get("/agreements/<agreement_id>/usage.csv")
@operation(
    summary="An agreement's usage as CSV",
    tag=USAGE,
    scopes=["usage:read"],
    query=UsageQuery,
    response=str,
    media_type="text/csv",
)
def agreement_usage_csv(actor: Actor, agreement_id: str, query: UsageQuery) -> Response:
    """The days of the JSON report as CSV with a header row: day, units, records, bytes, events, refusals."""
    report = _report(actor, agreement_id, query)
    return csv_attachment(usage_reports.to_csv(report), usage_reports.csv_filename(report))


@bp.get("/usage")
@operation(
    summary="Usage of your agreements",
    tag=USAGE,
    scopes=["usage:read"],
    query=UsageSummaryQuery,
    response=UsageSummaryOut,
)
def usage_summary(actor: Actor, query: UsageSummaryQuery) -> dict[str, Any]:
    """Totals per agreement from `from` to `to`: your agreements as consumer (`role=consumer`) or provider
    (`role=provider`), or every agreement of the node (`role=operator`, the operator only)."""
    journal.settle()
    period = usage_reports.Period(query.first, query.to)
    summary = usage_reports.usage_summary(get_session(), actor, query.role, period, contract_context())
    return usage_reports.summary_output(summary)
