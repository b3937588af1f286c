"""Payouts: each provider's payable balance transferred to its Stripe connected account.

The amount is the provider's ``payable`` balance in the ledger (its shares, less reversals, less what
was paid out before). The transfer's idempotency key is derived from the revenue shares it pays and the
number of attempts Stripe refused before, so a payout retried after a crash, before its result was
recorded, cannot pay the same shares twice, while one retried after a refusal is a new request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import BillingProfile, Payout, RevenueShare, Role
from ..payments import StripeClient, StripeError
from . import ledger
from .actors import Actor, require_operator, require_role


def pay_out(session: Session, actor: Actor, stripe: Callable[[], StripeClient]) -> list[Payout]:
    """Transfer every provider's positive payable balance that has a connected account to send it to."""
    require_operator(session, actor)
    payouts = []
    for balance in ledger.balances(session):
        owed = -balance.balance_minor
        if balance.account != "payable" or balance.org_id is None or owed <= 0:
            continue
        profile = session.get(BillingProfile, balance.org_id)
        if profile is None or profile.stripe_account_id is None:
            continue
        payouts.append(_transfer(session, stripe(), profile, balance.currency, owed))
    return payouts


def _transfer(
    session: Session, client: StripeClient, profile: BillingProfile, currency: str, amount: int
) -> Payout:
    assert profile.stripe_account_id is not None
    shares = list(
        session.exec(
            select(RevenueShare).where(
                RevenueShare.org_id == profile.org_id,
                RevenueShare.currency == currency,
                RevenueShare.role == "provider",
                col(RevenueShare.payout_id).is_(None),
            )
        )
    )
    digest = hashlib.sha256(" ".join(sorted(s.id for s in shares)).encode()).hexdigest()[:32]
    failed = session.exec(
        select(func.count())
        .select_from(Payout)
        .where(Payout.org_id == profile.org_id, Payout.currency == currency, Payout.status == "failed")
    ).one()
    payout = Payout(
        org_id=profile.org_id,
        currency=currency,
        amount_minor=amount,
        destination=profile.stripe_account_id,
        status="pending",
    )
    session.add(payout)
    session.flush()
    try:
        transfer = client.create_transfer(
            amount=amount,
            currency=currency,
            destination=profile.stripe_account_id,
            transfer_group=f"payout:{payout.id}",
            metadata={"payout": payout.id, "organization": profile.org_id},
            idempotency_key=f"payout:{profile.org_id}:{currency}:{digest}:{failed + 1}",
        )
    except StripeError as error:
        payout.status, payout.failure_reason = "failed", error.message[:1000]
        session.add(payout)
        session.flush()
        return payout
    payout.status, payout.stripe_transfer_id = "paid", str(transfer["id"])
    for share in shares:
        share.payout_id = payout.id
    session.add_all([payout, *shares])
    memo = f"payout {payout.id} to {profile.stripe_account_id}"
    entries = [ledger.Entry("payable", amount, profile.org_id), ledger.Entry("cash", -amount)]
    ledger.post(session, [ledger.Posting(f"payout:{payout.id}", "payout", memo, currency, entries)])
    session.flush()
    return payout


def list_payouts(session: Session, actor: Actor) -> list[Payout]:
    """Payouts to the actor's organisation (finance or admin members); every payout for the operator."""
    query = select(Payout)
    if not actor.is_operator:
        require_role(session, actor, actor.org_id, Role.FINANCE, Role.ADMIN)
        query = query.where(Payout.org_id == actor.org_id)
    return list(session.exec(query.order_by(col(Payout.created_at).desc(), col(Payout.id))))
