"""The history of a negotiation and its agreement: one numbered line per step, as both sides see it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import ContractEvent
from .actors import Actor


def record(
    session: Session,
    negotiation_id: str,
    action: str,
    from_state: str | None,
    to_state: str,
    actor: Actor | None,
    side: str,
    at: datetime,
    reason: str | None = None,
    agreement_id: str | None = None,
) -> None:
    """Append a step; `seq` keeps the order even when two steps share a timestamp."""
    session.flush()
    seq = session.exec(
        select(func.count()).select_from(ContractEvent).where(ContractEvent.negotiation_id == negotiation_id)
    ).one()
    session.add(
        ContractEvent(
            negotiation_id=negotiation_id,
            agreement_id=agreement_id,
            seq=seq + 1,
            at=at,
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor=side,
            org_id=actor.org_id if actor else None,
            user_id=actor.user_id if actor else None,
            reason=reason,
        )
    )


def history(session: Session, negotiation_id: str) -> list[ContractEvent]:
    """Every step, in order."""
    return list(
        session.exec(
            select(ContractEvent)
            .where(ContractEvent.negotiation_id == negotiation_id)
            .order_by(col(ContractEvent.seq))
        )
    )
