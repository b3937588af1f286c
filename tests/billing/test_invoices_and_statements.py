"""Invoices and statements as each side reads them: the API, the pages, CSV and JSON; the usage behind
an invoice; contribution rules checked against the product's lineage when the offer is made."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from app.db import unit_of_work
from app.models import Invoice, Payment
from app.services import revenue

from ..support.actions import Flow, bearer
from ..support.contract_data import PROVIDER_SCOPES, offer_payload, published_dataset

HTML = {"Accept": "text/html"}


@pytest.fixture
def billed(app, runner, make_agreement, record_use, last_month):
    """An agreement used 25 times last month at 40 a call, its month closed and the invoice paid."""
    agreement = make_agreement(pricing={"model": "per_call", "currency": "CNY", "price_minor": 40})
    record_use(agreement, last_month.first, 25)
    assert runner.invoke(args=["billing", "close", "--period", last_month.label]).exit_code == 0
    with app.app_context(), unit_of_work() as session:
        invoice = session.exec(select(Invoice)).one()
        payment = Payment(
            invoice_id=invoice.id,
            stripe_payment_intent_id="pi_paid_elsewhere",
            amount_minor=1000,
            currency="CNY",
            status="succeeded",
        )
        session.add(payment)
        session.flush()
        revenue.payment_succeeded(session, payment)
        return {"agreement": agreement, "invoice_id": invoice.id}


def logged_in(app, party) -> Flow:
    who = Flow(app.test_client())
    assert who.login(party.user.email, party.password).status_code == 302
    return who


def test_the_consumer_reads_its_invoice_and_the_usage_behind_it(flow, consumer, provider, billed, last_month):
    token = flow.token(consumer, "billing:read")
    listed = flow.http.get("/api/v1/invoices", headers=bearer(token)).get_json()
    assert [(i["id"], i["status"], i["total_minor"]) for i in listed] == [
        (billed["invoice_id"], "paid", 1000)
    ]
    events = flow.http.get(f"/api/v1/invoices/{billed['invoice_id']}/events?limit=10", headers=bearer(token))
    assert events.status_code == 200, events.get_json()
    assert len(events.get_json()["events"]) == 10
    assert {e["day"] for e in events.get_json()["events"]} == {last_month.first.isoformat()}
    stranger = flow.token(provider, "billing:read")  # the provider sees it; a third party would not
    assert (
        flow.http.get(f"/api/v1/invoices/{billed['invoice_id']}", headers=bearer(stranger)).status_code == 200
    )
    bad = flow.http.get("/api/v1/invoices?period=2026-13", headers=bearer(token))
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "query.period"


def test_a_third_party_never_sees_an_invoice(flow, make_party, billed):
    outsider = make_party("consumer", "admin")
    token = flow.token(outsider, "billing:read")
    assert flow.http.get(f"/api/v1/invoices/{billed['invoice_id']}", headers=bearer(token)).status_code == 404


def test_invoice_and_statement_pages_with_csv_and_json(app, consumer, provider, billed, last_month):
    buyer = logged_in(app, consumer)
    page = buyer.http.get("/billing/invoices", headers=HTML)
    assert page.status_code == 200
    assert billed["invoice_id"][:8] in page.get_data(as_text=True)
    detail = buyer.http.get(f"/billing/invoices/{billed['invoice_id']}", headers=HTML).get_data(as_text=True)
    assert "25 events" in detail
    rows = list(
        csv.reader(
            io.StringIO(
                buyer.http.get(f"/billing/invoices/{billed['invoice_id']}.csv").get_data(as_text=True)
            )
        )
    )
    assert rows[0][:3] == ["position", "kind", "unit"]
    assert rows[1][1:6] == ["usage", "call", "25", "40", "1000"]
    assert buyer.http.get(f"/billing/invoices/{billed['invoice_id']}.json").get_json()["paid_minor"] == 1000

    seller = logged_in(app, provider)
    statement = seller.http.get(f"/billing/statements/{last_month.label}", headers=HTML).get_data(
        as_text=True
    )
    assert "975" in statement  # 1000 less the node's 2.5%
    data = seller.http.get(f"/billing/statements/{last_month.label}.json").get_json()
    assert data["totals"] == [{"currency": "CNY", "earned": 975, "reversed": 0, "net": 975, "paid_out": 0}]
    (line,) = data["lines"]
    assert line["weight"] == "39/40"
    assert "node fee 2.5%" in line["explanation"]
    assert "25 call at 40 = 1000" in line["usage"]
    exported = seller.http.get(f"/billing/statements/{last_month.label}.csv").get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(exported))
    assert (row["amount_minor"], row["currency"], row["paid_out"], row["weight"]) == (
        "975",
        "CNY",
        "no",
        "39/40",
    )
    assert (
        buyer.http.get(f"/billing/statements/{last_month.label}?org_id={provider.org.id}").status_code == 404
    )


def test_a_contribution_rule_must_fit_the_lineage(flow, provider, make_party):
    token = flow.token(provider, PROVIDER_SCOPES)
    inputs = [published_dataset(flow, provider, token, grade="general-2") for _ in range(2)]
    plain = published_dataset(flow, provider, token, grade="general-2")
    product = published_dataset(
        flow, provider, token, grade="general-2", lineage=[{"dataset_id": d, "weight": 1} for d in inputs]
    )

    def offer(dataset_id, rule):
        return flow.http.post(
            f"/api/v1/datasets/{dataset_id}/offers",
            headers=bearer(token),
            json=offer_payload(contribution=rule),
        )

    cases = [
        (plain, {"method": "pro_rata", "upstream_basis_points": 5000}, "contribution"),
        (
            product,
            {"method": "fixed", "upstream_basis_points": 5000, "shares": {inputs[0]: 1}},
            "contribution.shares",
        ),
        (
            product,
            {"method": "fixed", "upstream_basis_points": 5000, "shares": {"nope": 1, inputs[0]: 1}},
            "contribution.shares.nope",
        ),
        (
            product,
            {
                "method": "shapley",
                "upstream_basis_points": 5000,
                "coalitions": [{"inputs": ["x"], "value": 3}],
            },
            "contribution.coalitions.0.inputs",
        ),
        (
            product,
            {"method": "fixed", "upstream_basis_points": 12000, "shares": {inputs[0]: 1}},
            "contribution.upstream_basis_points",
        ),
        (
            product,
            {"method": "pro_rata", "upstream_basis_points": 5000, "shares": {inputs[0]: 1}},
            "contribution",
        ),
    ]
    for dataset_id, rule, field in cases:
        refused = offer(dataset_id, rule)
        assert refused.status_code == 422, (rule, refused.get_json())
        assert refused.get_json()["errors"][0]["field"] == field, refused.get_json()
    made = offer(product, {"method": "shapley", "upstream_basis_points": 2500})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["contribution"] == {"method": "shapley", "upstream_basis_points": 2500}
