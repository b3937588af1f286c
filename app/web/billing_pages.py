"""Billing on the pages: invoices for consumers (and providers), statements for providers, each also as
JSON and CSV. The services decide who may see what: the organisation's finance and admin members and
the operator.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Response, jsonify, render_template, request

from ..db import get_session
from ..errors import field_error
from ..models import Organization
from ..responses import csv_attachment
from ..services import billing_invoices, billing_periods, statements
from ..services.actors import Actor
from . import bp
from .session import current_user, login_required, web_actor

LINE_COLUMNS = (
    "position",
    "kind",
    "unit",
    "quantity",
    "unit_price_minor",
    "amount_minor",
    "first_day",
    "last_day",
    "events",
    "description",
)


@bp.get("/billing/invoices")
@login_required
def invoices() -> Any:
    """The organisation's invoices: received (consumers) or issued for its data (providers)."""
    actor = _actor()
    default = "provider" if actor.org_kind == "provider" else "operator" if actor.is_operator else "consumer"
    role = request.args.get("role") or default
    period = request.args.get("period") or None
    found = billing_invoices.list_invoices(get_session(), actor, role, period)
    return render_template(
        "billing/invoices.html", invoices=found, role=role, period=period, last_month=_last_month()
    )


@bp.get("/billing/invoices/<invoice_id>")
@login_required
def invoice(invoice_id: str) -> Any:
    """One invoice: its lines and the usage they count, its payments and refunds."""
    session = get_session()
    found = billing_invoices.get_invoice(session, _actor(), invoice_id)
    return render_template("billing/invoice.html", invoice=billing_invoices.to_output(session, found))


@bp.get("/billing/invoices/<invoice_id>.json")
@login_required
def invoice_json(invoice_id: str) -> Response:
    """The invoice as the API gives it."""
    session = get_session()
    return jsonify(
        billing_invoices.to_output(session, billing_invoices.get_invoice(session, _actor(), invoice_id))
    )


@bp.get("/billing/invoices/<invoice_id>.csv")
@login_required
def invoice_csv(invoice_id: str) -> Response:
    """The invoice's lines as CSV, with a header row."""
    session = get_session()
    found = billing_invoices.get_invoice(session, _actor(), invoice_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LINE_COLUMNS)
    for line in billing_invoices.lines_of(session, found):
        writer.writerow(
            [getattr(line, name) if getattr(line, name) is not None else "" for name in LINE_COLUMNS]
        )
    return csv_attachment(out.getvalue(), f"invoice-{found.id}.csv")


@bp.get("/billing/statements/<period>")
@login_required
def statement(period: str) -> Any:
    """A provider's statement for the month: every share, the rule and usage behind it, the totals."""
    found = _statement(period)
    return render_template("billing/statement.html", statement=statements.to_output(found))


@bp.get("/billing/statements/<period>.json")
@login_required
def statement_json(period: str) -> Response:
    """The statement as the API gives it."""
    return jsonify(statements.to_output(_statement(period)))


@bp.get("/billing/statements/<period>.csv")
@login_required
def statement_csv(period: str) -> Response:
    """The statement's lines as CSV."""
    found = _statement(period)
    return csv_attachment(statements.to_csv(found), statements.csv_filename(found))


def _statement(period: str) -> statements.Statement:
    actor = _actor()
    org_id = request.args.get("org_id") or actor.org_id
    if not org_id:
        raise field_error("org_id", "name the provider whose statement to show")
    return statements.provider_statement(get_session(), actor, org_id, billing_periods.parse_period(period))


def _last_month() -> str:
    return f"{datetime.now(UTC).date().replace(day=1) - timedelta(days=1):%Y-%m}"


def _actor() -> Actor:
    user = current_user()
    assert user is not None  # behind login_required
    org = get_session().get(Organization, user.org_id)
    assert org is not None
    return web_actor(user, org)
