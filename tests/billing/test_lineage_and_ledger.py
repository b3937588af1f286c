"""Shares down a lineage two levels deep, read from the database; and a ledger check that notices when
the books do not balance."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from app.db import get_session, unit_of_work
from app.models import Invoice, Payment, RevenueShare
from app.services import ledger, revenue

from ..support.actions import bearer
from ..support.contract_data import (
    CONSUMER_SCOPES,
    PROVIDER_SCOPES,
    create_offer,
    published_dataset,
    request_access,
)

PER_CALL = {"model": "per_call", "currency": "CNY", "price_minor": 100}


def test_a_derived_input_splits_its_part_down_its_own_lineage(
    app, flow, runner, make_party, consumer, record_use, last_month
):
    x, y, z, middle, top = (make_party("provider", "admin", "steward") for _ in range(5))
    tokens = {id(p): flow.token(p, PROVIDER_SCOPES) for p in (x, y, z, middle, top)}

    def dataset(party, lineage=None):
        extra = {"lineage": lineage} if lineage else {}
        return published_dataset(flow, party, tokens[id(party)], grade="general-2", **extra)

    dx, dy, dz = dataset(x), dataset(y), dataset(z)
    dm = dataset(middle, [{"dataset_id": dx, "weight": 1}, {"dataset_id": dy, "weight": 1}])
    halves = {"method": "fixed", "upstream_basis_points": 5000, "shares": {dx: 1, dy: 4}}
    create_offer(flow, tokens[id(middle)], dm, pricing=PER_CALL, contribution=halves)
    dt = dataset(top, [{"dataset_id": dm, "weight": 1}, {"dataset_id": dz, "weight": 1}])
    upstream = {"method": "fixed", "upstream_basis_points": 10_000, "shares": {dm: 1, dz: 1}}
    offer = create_offer(flow, tokens[id(top)], dt, pricing=PER_CALL, contribution=upstream)
    ctoken = flow.token(consumer, CONSUMER_SCOPES)
    negotiation = request_access(flow, ctoken, offer["id"]).get_json()
    flow.http.post(
        f"/api/v1/negotiations/{negotiation['id']}/approve", headers=bearer(tokens[id(top)]), json={}
    )
    signed = flow.http.post(f"/api/v1/negotiations/{negotiation['id']}/sign", headers=bearer(ctoken), json={})
    agreement = {**signed.get_json(), "dataset_id": dt}
    record_use(agreement, last_month.first, 80)  # 8000
    assert runner.invoke(args=["billing", "close", "--period", last_month.label]).exit_code == 0

    with app.app_context(), unit_of_work() as session:
        invoice = session.exec(select(Invoice)).one()
        payment = Payment(
            invoice_id=invoice.id,
            stripe_payment_intent_id="pi_lineage",
            amount_minor=8000,
            currency="CNY",
            status="succeeded",
        )
        session.add(payment)
        session.flush()
        revenue.payment_succeeded(session, payment)
    with app.app_context():
        shares = get_session().exec(select(RevenueShare).order_by(RevenueShare.position)).all()
        got = {(s.org_id, tuple(s.path)): s.amount_minor for s in shares}
    # 8000: fee 200; 7800 all upstream: middle 3900, z 3900; middle keeps 1950, x 1/5 of 1950, y 4/5
    assert got == {
        (None, (dt,)): 200,
        (top.org.id, (dt,)): 0,
        (middle.org.id, (dt, dm)): 1950,
        (x.org.id, (dt, dm, dx)): 390,
        (y.org.id, (dt, dm, dy)): 1560,
        (z.org.id, (dt, dz)): 3900,
    }
    assert sum(got.values()) == 8000


def test_the_ledger_check_names_what_does_not_balance(app, runner, make_agreement, record_use, last_month):
    agreement = make_agreement(pricing=PER_CALL)
    record_use(agreement, last_month.first, 5)
    assert runner.invoke(args=["billing", "close", "--period", last_month.label]).exit_code == 0
    fine = runner.invoke(args=["ledger", "check"])
    assert fine.exit_code == 0, fine.output
    assert "ledger balances: 1 transactions, 2 entries" in fine.output

    with app.app_context():
        session = get_session()
        session.execute(
            text("UPDATE ledger_entry SET debit_minor = debit_minor + 1 WHERE account = 'receivable'")
        )
        session.commit()
        found = ledger.check(session)
    assert not found.ok
    broken = runner.invoke(args=["ledger", "check"])
    assert broken.exit_code == 1
    assert "does not balance in CNY" in broken.output
    assert "the ledger does not balance in CNY: 501 != 500" in broken.output
    assert f"receivable:{agreement['consumer_org_id']} (CNY) is 501 but the records say 500" in broken.output
