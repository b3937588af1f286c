"""From usage to invoice to payment (localstripe) to ledger to payout, for a product with three upstream
providers, under each contribution rule; webhooks verified and applied once; a refund reversing shares.

The world: providers A, B and C each offer an input dataset; provider P derives a product from the three
(lineage weights 1, 2, 3) and holds agreements on the inputs, on which it used A 10 times, B 30 and C 60
last month; a consumer used the product 40 times last month at 100 minor units a call.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from app.payments.webhooks import sign
from app.services.billing_periods import Period

from ..support.actions import Flow, bearer
from ..support.contract_data import (
    CONSUMER_SCOPES,
    PROVIDER_SCOPES,
    create_offer,
    published_dataset,
    request_access,
)
from ..support.localstripe import API_KEY
from ..support.stripe_transfers_fake import StripeTransfersFake

SECRET = "whsec_test_billing"
OPERATOR = "operator billing:read org:read"
FINANCE = "billing:read org:read org:write"
ACCOUNTS = {"A": "acct_1InputA", "B": "acct_1InputB", "C": "acct_1InputC", "P": "acct_1Product"}
PER_CALL = {"model": "per_call", "currency": "EUR", "price_minor": 100}

RULES: dict[str, Any] = {
    "fixed": lambda ids: {
        "method": "fixed",
        "upstream_basis_points": 6000,
        "shares": dict(zip(ids, (5, 3, 2), strict=True)),
    },
    "pro_rata": lambda ids: {"method": "pro_rata", "upstream_basis_points": 6000},
    "shapley": lambda ids: {
        "method": "shapley",
        "upstream_basis_points": 6000,
        "coalitions": [
            {"inputs": [ids[0]], "value": 50},
            {"inputs": [ids[1]], "value": 50},
            {"inputs": [ids[0], ids[1]], "value": 100},
            {"inputs": ids, "value": 200},
        ],
    },
}
# 40 calls at 100 = 4000; the node's 2.5% is 100; of 3900 the product keeps 40% (1560) and 2340 goes up
EXPECTED = {
    "fixed": {"A": 1170, "B": 702, "C": 468},  # 5:3:2
    "pro_rata": {"A": 234, "B": 702, "C": 1404},  # 10:30:60 units of use
    "shapley": {"A": 975, "B": 975, "C": 390},  # 250/3, 250/3, 100/3 of 200
}


@pytest.fixture
def settings(settings, localstripe_url):
    return {
        **settings,
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": localstripe_url,
        "STRIPE_WEBHOOK_SECRET": SECRET,
    }


def agree(flow, consumer, provider, offer_id: str) -> str:
    """The consumer requests the offer, the provider approves, the consumer signs: the agreement's id."""
    ctoken = flow.token(consumer, CONSUMER_SCOPES)
    negotiation = request_access(flow, ctoken, offer_id).get_json()
    if negotiation["state"] == "REQUESTED":
        ptoken = flow.token(provider, PROVIDER_SCOPES)
        flow.http.post(f"/api/v1/negotiations/{negotiation['id']}/approve", headers=bearer(ptoken), json={})
    signed = flow.http.post(f"/api/v1/negotiations/{negotiation['id']}/sign", headers=bearer(ctoken), json={})
    assert signed.status_code == 200, signed.get_json()
    return str(signed.get_json()["id"])


@pytest.fixture
def world(flow, make_party, consumer, operator, record_use, last_month: Period):
    """Three inputs, the product derived from them, agreements and last month's usage (see the module)."""
    parties = {name: make_party("provider", "admin", "steward", "finance") for name in "ABCP"}
    inputs, agreements = [], {}
    for name, uses in (("A", 10), ("B", 30), ("C", 60)):
        token = flow.token(parties[name], PROVIDER_SCOPES)
        dataset_id = published_dataset(flow, parties[name], token, grade="general-2")
        offer = create_offer(flow, token, dataset_id, pricing={**PER_CALL, "price_minor": 5})
        agreement_id = agree(flow, parties["P"], parties[name], offer["id"])
        record_use(_ids(agreement_id, dataset_id, parties["P"], parties[name]), last_month.first, uses)
        inputs.append(dataset_id)
        agreements[name] = agreement_id
    ptoken = flow.token(parties["P"], PROVIDER_SCOPES)
    lineage = [{"dataset_id": d, "weight": w} for d, w in zip(inputs, (1, 2, 3), strict=True)]
    product = published_dataset(flow, parties["P"], ptoken, grade="general-2", lineage=lineage)
    for name, party in parties.items():
        _profile(flow, party, {"stripe_account": ACCOUNTS[name]})
    _profile(flow, consumer, {"payment_method": "pm_card_visa"})
    return {
        "parties": parties,
        "inputs": inputs,
        "product": product,
        "ptoken": ptoken,
        "agreements": agreements,
    }


def _ids(agreement_id: str, dataset_id: str, consumer: Any, provider: Any) -> dict[str, str]:
    return {
        "id": agreement_id,
        "dataset_id": dataset_id,
        "consumer_org_id": consumer.org.id,
        "provider_org_id": provider.org.id,
    }


def _profile(flow, party, body: dict[str, str]) -> dict[str, Any]:
    answer = flow.http.put("/api/v1/billing/profile", headers=bearer(flow.token(party, FINANCE)), json=body)
    assert answer.status_code == 200, answer.get_json()
    return dict(answer.get_json())


def sell(flow, world, consumer, record_use, last_month: Period, rule: str) -> dict[str, Any]:
    """The product offered under `rule`, bought and used 40 times last month; the month closed."""
    offer = create_offer(
        flow, world["ptoken"], world["product"], pricing=PER_CALL, contribution=RULES[rule](world["inputs"])
    )
    assert offer["contribution"]["method"] == rule
    agreement_id = agree(flow, consumer, world["parties"]["P"], offer["id"])
    record_use(_ids(agreement_id, world["product"], consumer, world["parties"]["P"]), last_month.last, 40)
    return {"agreement_id": agreement_id, "offer": offer}


def close_and_find(flow, operator, last_month: Period, agreement_id: str) -> dict[str, Any]:
    headers = bearer(flow.token(operator, OPERATOR))
    closed = flow.http.post(f"/api/v1/billing/periods/{last_month.label}/close", headers=headers)
    assert closed.status_code == 200, closed.get_json()
    assert len(closed.get_json()["issued"]) == 4  # P's three input agreements and the product's
    invoices = flow.http.get(f"/api/v1/invoices?role=operator&period={last_month.label}", headers=headers)
    (invoice,) = [i for i in invoices.get_json() if i["agreement_id"] == agreement_id]
    assert (invoice["total_minor"], invoice["currency"], invoice["status"]) == (4000, "EUR", "open")
    return invoice


def shares_by_party(flow, world, operator, last_month: Period) -> dict[str, int]:
    """Each provider's net share in its statement for the month."""
    found = {}
    for name, party in world["parties"].items():
        token = flow.token(operator, OPERATOR)
        answer = flow.http.get(
            f"/api/v1/statements/{last_month.label}?org_id={party.org.id}", headers=bearer(token)
        )
        assert answer.status_code == 200, answer.get_json()
        totals = answer.get_json()["totals"]
        found[name] = sum(t["net"] for t in totals if t["currency"] == "EUR")
    return found


def deliver(flow, event: dict[str, Any], secret: str = SECRET, at: int | None = None):
    payload = json.dumps(event).encode()
    header = sign(payload, secret, at)
    return flow.http.post(
        "/webhooks/stripe",
        data=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def ledger_balances(runner) -> str:
    checked = runner.invoke(args=["ledger", "check"])
    assert checked.exit_code == 0, checked.output
    assert "ledger balances" in checked.output
    return str(checked.output)


@pytest.mark.parametrize("rule", ["fixed", "pro_rata", "shapley"])
def test_usage_to_invoice_to_payment_to_ledger_to_payout_under_each_rule(
    app, flow, runner, world, consumer, operator, record_use, last_month, localstripe_url, rule
):
    sold = sell(flow, world, consumer, record_use, last_month, rule)
    invoice = close_and_find(flow, operator, last_month, sold["agreement_id"])
    headers = bearer(flow.token(operator, OPERATOR))

    collected = flow.http.post(f"/api/v1/invoices/{invoice['id']}/collect", headers=headers)
    assert collected.status_code == 201, collected.get_json()
    payment = collected.get_json()
    assert (payment["status"], payment["amount_minor"]) == ("succeeded", 4000)
    paid = flow.http.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).get_json()
    assert (paid["status"], paid["paid_minor"]) == ("paid", 4000)

    expected = {**EXPECTED[rule], "P": 1560}
    input_invoices = {"A": 50, "B": 150, "C": 300}  # what P owes A, B and C for its own use, not yet paid
    assert shares_by_party(flow, world, operator, last_month) == expected
    assert sum(expected.values()) + 100 == 4000
    ledger_balances(runner)

    with StripeTransfersFake(accounts=frozenset(ACCOUNTS.values())) as fake:
        app.config["STRIPE_API_BASE"] = fake.url  # Connect transfers: localstripe has none (a FAKE)
        paid_out = flow.http.post("/api/v1/payouts", headers=headers)
        assert paid_out.status_code == 200, paid_out.get_json()
        sent = {t["destination"]: t["amount"] for t in fake.transfers}
    assert sent == {ACCOUNTS[name]: amount for name, amount in expected.items()}
    assert {p["status"] for p in paid_out.get_json()} == {"paid"}
    output = ledger_balances(runner)
    for name in "ABC":
        assert f"payable:{world['parties'][name].org.id} EUR" in output
    assert input_invoices  # billed to P, collected separately


def simple_invoice(flow, runner, operator, make_agreement, record_use, last_month: Period) -> dict[str, Any]:
    """An agreement used 40 times last month at 100 a call, the month closed: its invoice of 4000."""
    agreement = make_agreement(pricing=PER_CALL)
    record_use(agreement, last_month.first, 40)
    assert runner.invoke(args=["billing", "close", "--period", last_month.label]).exit_code == 0
    headers = bearer(flow.token(operator, OPERATOR))
    (invoice,) = flow.http.get("/api/v1/invoices?role=operator", headers=headers).get_json()
    assert invoice["total_minor"] == 4000
    return dict(invoice)


def test_a_payment_made_later_is_applied_once_by_its_webhook_and_forgeries_are_refused(
    flow, runner, consumer, provider, operator, make_agreement, record_use, last_month, stripe_client
):
    invoice = simple_invoice(flow, runner, operator, make_agreement, record_use, last_month)
    headers = bearer(flow.token(operator, OPERATOR))
    started = flow.http.post(f"/api/v1/invoices/{invoice['id']}/collect", headers=headers)
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["status"] == "requires_payment_method"  # no payment method on file yet
    twice = flow.http.post(f"/api/v1/invoices/{invoice['id']}/collect", headers=headers)
    assert twice.status_code == 409  # one attempt at a time: no second charge while the first may succeed

    intent_id = started.get_json()["stripe_payment_intent_id"]
    # the consumer pays it with a card of its own (through Stripe's page, here its API)
    stripe_client.request(
        "POST",
        f"/v1/payment_intents/{intent_id}",
        {"payment_method": "pm_card_visa"},
        idempotency_key=f"t:{intent_id}",
    )
    intent = stripe_client.confirm_payment_intent(intent_id, idempotency_key=f"t:{intent_id}:confirm")
    assert intent["status"] == "succeeded"
    event = {"id": f"evt_{intent_id}", "type": "payment_intent.succeeded", "data": {"object": intent}}
    for bad in (deliver(flow, event, secret="whsec_wrong"), deliver(flow, event, at=int(time.time()) - 3600)):
        assert bad.status_code == 400
        assert bad.headers["Content-Type"] == "application/problem+json"
    assert flow.http.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).get_json()["status"] == "open"

    first = deliver(flow, event)
    assert first.status_code == 200, first.get_json()
    assert (first.get_json()["duplicate"], first.get_json()["outcome"]) == (False, "payment recorded")
    again = deliver(flow, event)
    assert (again.status_code, again.get_json()["duplicate"]) == (200, True)
    same_intent = deliver(flow, {**event, "id": f"evt_again_{intent_id}"})  # another event, same payment
    assert same_intent.get_json()["outcome"] == "payment already recorded"
    paid = flow.http.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).get_json()
    assert (paid["status"], paid["paid_minor"], [p["status"] for p in paid["payments"]]) == (
        "paid",
        4000,
        ["succeeded"],
    )
    statement = flow.http.get(
        f"/api/v1/statements/{last_month.label}?org_id={provider.org.id}", headers=headers
    )
    assert statement.get_json()["totals"][0]["net"] == 3900
    ledger_balances(runner)


def test_a_refund_reverses_the_shares_in_proportion_and_its_webhook_changes_nothing(
    app, flow, runner, world, consumer, operator, record_use, last_month, stripe_client
):
    sold = sell(flow, world, consumer, record_use, last_month, "fixed")
    invoice = close_and_find(flow, operator, last_month, sold["agreement_id"])
    headers = bearer(flow.token(operator, OPERATOR))
    collected = flow.http.post(f"/api/v1/invoices/{invoice['id']}/collect", headers=headers).get_json()

    refunded = flow.http.post(
        f"/api/v1/invoices/{invoice['id']}/refunds", headers=headers, json={"amount_minor": 800}
    )
    assert refunded.status_code == 201, refunded.get_json()
    # a fifth back: each share gives back a fifth (fee 20, P 312, A 234, B 140.4 -> 140, C 93.6 -> 94)
    assert shares_by_party(flow, world, operator, last_month) == {"A": 936, "B": 562, "C": 374, "P": 1248}
    token = flow.token(world["parties"]["A"], FINANCE)
    statement = flow.http.get(f"/api/v1/statements/{last_month.label}", headers=bearer(token)).get_json()
    assert [(line["kind"], line["amount_minor"]) for line in statement["lines"]] == [
        ("share", 1170),
        ("reversal", -234),
    ]
    csv_text = flow.http.get(f"/api/v1/statements/{last_month.label}.csv", headers=bearer(token)).get_data(
        as_text=True
    )
    assert csv_text.splitlines()[0].startswith("invoice_id,agreement_id")
    assert len(csv_text.splitlines()) == 3

    intent = stripe_client.retrieve_payment_intent(collected["stripe_payment_intent_id"])
    charge = intent["latest_charge"]  # expanded by localstripe: the charge with its refunds
    assert charge["amount_refunded"] == 800
    event = {"id": f"evt_refund_{charge['id']}", "type": "charge.refunded", "data": {"object": charge}}
    applied = deliver(flow, event)
    assert applied.status_code == 200, applied.get_json()
    assert shares_by_party(flow, world, operator, last_month)["A"] == 936  # already recorded by its id

    rest = flow.http.post(f"/api/v1/invoices/{invoice['id']}/refunds", headers=headers, json={})
    assert rest.status_code == 201, rest.get_json()
    assert shares_by_party(flow, world, operator, last_month) == dict.fromkeys("ABCP", 0)
    final = flow.http.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).get_json()
    assert (final["status"], final["refunded_minor"]) == ("refunded", 4000)
    too_much = flow.http.post(
        f"/api/v1/invoices/{invoice['id']}/refunds", headers=headers, json={"amount_minor": 1}
    )
    assert too_much.status_code == 422
    assert too_much.get_json()["errors"][0]["field"] == "amount_minor"
    ledger_balances(runner)


def test_the_shell_closes_collects_and_pays_out(
    app, flow, runner, consumer, provider, operator, make_agreement, record_use, last_month
):
    agreement = make_agreement(pricing=PER_CALL)
    record_use(agreement, last_month.first, 40)
    _profile(flow, consumer, {"payment_method": "pm_card_visa"})
    _profile(flow, provider, {"stripe_account": ACCOUNTS["A"]})
    closed = runner.invoke(args=["billing", "close", "--period", last_month.label])
    assert "1 invoices issued (4000 EUR in minor units)" in closed.output, closed.output
    collected = runner.invoke(args=["billing", "collect", "--period", last_month.label])
    assert collected.exit_code == 0, collected.output
    assert "4000 EUR succeeded" in collected.output
    assert "1 invoices collected" in collected.output
    customer = _profile(flow, consumer, {})["stripe_customer_id"]
    assert customer.startswith("cus_")  # the consumer organisation's Stripe customer, made once and kept
    with StripeTransfersFake(accounts=frozenset(ACCOUNTS.values())) as fake:
        app.config["STRIPE_API_BASE"] = fake.url  # Connect transfers: localstripe has none (a FAKE)
        paid_out = runner.invoke(args=["billing", "payouts"])
        again = runner.invoke(args=["billing", "payouts"])
    assert paid_out.exit_code == 0, paid_out.output
    assert f"3900 EUR to {ACCOUNTS['A']} paid" in paid_out.output
    assert "1 payouts" in paid_out.output
    assert "0 payouts" in again.output  # nothing is owed any more
    assert [t["amount"] for t in fake.transfers] == [3900]
    ledger_balances(runner)


def test_a_declined_card_leaves_the_invoice_open_and_a_failure_event_is_recorded(
    flow, runner, consumer, operator, make_agreement, record_use, last_month, stripe_client
):
    invoice = simple_invoice(flow, runner, operator, make_agreement, record_use, last_month)
    _profile(flow, consumer, {"payment_method": "pm_card_chargeCustomerFail"})
    headers = bearer(flow.token(operator, OPERATOR))
    declined = flow.http.post(f"/api/v1/invoices/{invoice['id']}/collect", headers=headers)
    assert declined.status_code == 201, declined.get_json()
    assert declined.get_json()["status"] == "failed"
    assert "declined" in declined.get_json()["failure_reason"]

    intent = stripe_client.create_payment_intent(  # a second try the consumer starts, not yet paid
        amount=4000, currency="EUR", metadata={"invoice": invoice["id"]}, idempotency_key=f"t:{invoice['id']}"
    )
    failed = {
        **intent,
        "status": "requires_payment_method",
        "last_payment_error": {"message": "card expired"},
    }
    event = {
        "id": f"evt_failed_{intent['id']}",
        "type": "payment_intent.payment_failed",
        "data": {"object": failed},
    }
    assert deliver(flow, event).get_json()["outcome"] == "payment failed"
    after = flow.http.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).get_json()
    assert after["status"] == "open"
    assert [p["status"] for p in after["payments"]] == ["failed", "failed"]
    assert after["payments"][1]["failure_reason"] == "card expired"
    ledger_balances(runner)


def test_two_deliveries_of_one_event_at_once_apply_it_once(
    app, flow, runner, provider, operator, make_agreement, record_use, last_month, stripe_client
):
    invoice = simple_invoice(flow, runner, operator, make_agreement, record_use, last_month)
    intent = stripe_client.create_payment_intent(
        amount=4000,
        currency="EUR",
        payment_method="pm_card_visa",
        confirm=True,
        metadata={"invoice": invoice["id"]},
        idempotency_key=f"t:{invoice['id']}:both",
    )
    events = [
        {"id": f"evt_{n}_{intent['id']}", "type": "payment_intent.succeeded", "data": {"object": intent}}
        for n in ("a", "a", "b", "b")  # the same event twice, and a second event for the same payment twice
    ]
    start = threading.Barrier(len(events))
    answers: list[Any] = [None] * len(events)

    def deliver_at_once(index: int) -> None:
        own = Flow(app.test_client())
        start.wait()
        answers[index] = deliver(own, events[index])

    threads = [threading.Thread(target=deliver_at_once, args=(i,)) for i in range(len(events))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(
        a.get_json()["outcome"] if a.status_code == 200 else str(a.status_code) for a in answers
    )
    assert outcomes.count("payment recorded") == 1, outcomes
    assert all(a.status_code == 200 for a in answers), outcomes
    headers = bearer(flow.token(operator, OPERATOR))
    paid = flow.http.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).get_json()
    assert (paid["status"], paid["paid_minor"], len(paid["payments"])) == ("paid", 4000, 1)
    statement = flow.http.get(
        f"/api/v1/statements/{last_month.label}?org_id={provider.org.id}", headers=headers
    )
    assert [line["amount_minor"] for line in statement.get_json()["lines"]] == [3900]
    ledger_balances(runner)


def test_a_payout_refused_by_stripe_leaves_the_balance_owed_until_it_succeeds(
    app, flow, runner, consumer, provider, operator, make_agreement, record_use, last_month
):
    invoice = simple_invoice(flow, runner, operator, make_agreement, record_use, last_month)
    _profile(flow, consumer, {"payment_method": "pm_card_visa"})
    _profile(flow, provider, {"stripe_account": "acct_1NotConnected"})
    headers = bearer(flow.token(operator, OPERATOR))
    assert flow.http.post(f"/api/v1/invoices/{invoice['id']}/collect", headers=headers).status_code == 201
    with StripeTransfersFake(accounts=frozenset(ACCOUNTS.values())) as fake:
        app.config["STRIPE_API_BASE"] = fake.url  # Connect transfers: localstripe has none (a FAKE)
        refused = flow.http.post("/api/v1/payouts", headers=headers).get_json()
        assert [(p["status"], p["amount_minor"]) for p in refused] == [("failed", 3900)]
        assert "No such destination" in refused[0]["failure_reason"]
        ledger_balances(runner)  # nothing moved
        _profile(flow, provider, {"stripe_account": ACCOUNTS["B"]})
        paid = flow.http.post("/api/v1/payouts", headers=headers).get_json()
    assert [(p["status"], p["amount_minor"], p["destination"]) for p in paid] == [
        ("paid", 3900, ACCOUNTS["B"])
    ]
    assert [t["amount"] for t in fake.transfers] == [3900]
    mine = flow.http.get("/api/v1/payouts", headers=bearer(flow.token(provider, FINANCE))).get_json()
    assert sorted(p["status"] for p in mine) == ["failed", "paid"]
    ledger_balances(runner)
