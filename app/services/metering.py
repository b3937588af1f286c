"""Counting use exactly: quota consumed atomically, one usage event per logical request, refusals kept.

`consume` is a single conditional UPDATE (`used = used + units` only while the limit allows it), so
concurrent calls can never exceed an ODRL `count` limit, on SQLite (one writer at a time) as on
PostgreSQL (the row lock). The event is inserted in the same transaction, which commits before any
data leaves the node; a retry with the same `Idempotency-Key` finds the event and is not counted again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import AccessRefusal, QuotaCounter, UsageEvent
from ..models.base import new_id


@dataclass(frozen=True)
class Delivery:
    """What one logical request delivered, for its usage event."""

    agreement_id: str
    dataset_id: str
    distribution_id: str | None
    consumer_org_id: str
    provider_org_id: str
    client_id: str | None
    mode: str
    purpose: str
    request: str
    records: int = 0
    bytes: int = 0
    units: int = 1


class QuotaExhausted(Exception):
    """The agreement's use limit is reached."""

    def __init__(self, used: int, limit: int) -> None:
        super().__init__(f"all {limit} uses the agreement allows are used ({used} so far)")
        self.used, self.limit = used, limit


def count_limit(policy: Mapping[str, Any]) -> int | None:
    """The most uses a policy's permissions allow (`count lteq N`, `lt N`, `eq N`), if they limit them."""
    limits = []
    for rule in policy.get("permission") or []:
        for constraint in rule.get("constraint") or []:
            if str(constraint.get("leftOperand", "")).rsplit("/", 1)[-1].rsplit(":", 1)[-1] != "count":
                continue
            right = constraint.get("rightOperand")
            value = int(str(right.get("@value") if isinstance(right, Mapping) else right))
            operator = str(constraint.get("operator", "")).rsplit(":", 1)[-1]
            if operator in ("lteq", "eq"):
                limits.append(value)
            elif operator == "lt":
                limits.append(value - 1)
    return min(limits) if limits else None


def open_counter(session: Session, agreement_id: str, policy: Mapping[str, Any]) -> QuotaCounter:
    """The counter of a new agreement, its limit read from the agreed policy."""
    counter = QuotaCounter(agreement_id=agreement_id, used=0, max_uses=count_limit(policy))
    session.add(counter)
    return counter


_COUNTERS = QuotaCounter.__table__  # type: ignore[attr-defined]
_EVENTS = UsageEvent.__table__  # type: ignore[attr-defined]
_CONSUME = (
    update(_COUNTERS)
    .where(
        _COUNTERS.c.agreement_id == bindparam("agreement"),
        _COUNTERS.c.max_uses.is_(None) | (_COUNTERS.c.used + bindparam("units") <= _COUNTERS.c.max_uses),
    )
    .values(used=_COUNTERS.c.used + bindparam("units"), updated_at=bindparam("now"))
)
_RECORD = insert(_EVENTS)


def consume(session: Session, agreement_id: str, units: int, now: datetime) -> None:
    """Take `units` uses from the agreement's quota, atomically, or raise QuotaExhausted.

    One conditional UPDATE (SQLAlchemy Core, compiled once): the hot path of every data call.
    """
    result = session.connection().execute(_CONSUME, {"agreement": agreement_id, "units": units, "now": now})
    if result.rowcount == 1:
        return
    counter = session.get(QuotaCounter, agreement_id)
    if counter is None:  # agreements made before metering: count from now on, without a limit
        session.add(QuotaCounter(agreement_id=agreement_id, used=units, max_uses=None, updated_at=now))
        return
    session.refresh(counter)
    raise QuotaExhausted(counter.used, counter.max_uses or 0)


def record(session: Session, delivery: Delivery, *, at: datetime, key: str | None, duration_ms: int) -> str:
    """Append the usage event of a delivery (in the caller's transaction); returns its id."""
    event_id = new_id()
    session.connection().execute(
        _RECORD,
        {
            "id": event_id,
            "agreement_id": delivery.agreement_id,
            "dataset_id": delivery.dataset_id,
            "distribution_id": delivery.distribution_id,
            "consumer_org_id": delivery.consumer_org_id,
            "provider_org_id": delivery.provider_org_id,
            "client_id": delivery.client_id,
            "mode": delivery.mode,
            "units": delivery.units,
            "records": delivery.records,
            "bytes": delivery.bytes,
            "purpose": delivery.purpose,
            "idempotency_key": key,
            "request": delivery.request[:1000],
            "at": at,
            "day": at.date(),
            "duration_ms": duration_ms,
        },
    )
    return event_id


def meter(
    session: Session, delivery: Delivery, *, at: datetime, key: str | None, duration_ms: int
) -> str | None:
    """Consume quota and record the event, then commit: before the data is sent; the event's id.

    Returns None when a concurrent request with the same idempotency key committed first (the caller
    then replays that request's delivery without counting it again).
    """
    consume(session, delivery.agreement_id, delivery.units, at)
    try:
        event_id = record(session, delivery, at=at, key=key, duration_ms=duration_ms)
        session.commit()
    except IntegrityError:
        session.rollback()
        if key is None:
            raise
        return None
    return event_id


def replay(session: Session, agreement_id: str, key: str) -> UsageEvent | None:
    """The event an earlier request with this idempotency key recorded, if any."""
    return session.exec(
        select(UsageEvent).where(UsageEvent.agreement_id == agreement_id, UsageEvent.idempotency_key == key)
    ).first()


def refuse(
    session: Session,
    *,
    agreement_id: str | None,
    consumer_org_id: str | None,
    client_id: str | None,
    reason: str,
    detail: str,
    request: str,
    at: datetime,
) -> None:
    """Keep a refusal: committed on its own, whatever happens to the request's transaction."""
    session.rollback()
    session.add(
        AccessRefusal(
            agreement_id=agreement_id,
            consumer_org_id=consumer_org_id,
            client_id=client_id,
            reason=reason,
            detail=detail[:2000],
            request=request[:1000],
            at=at,
        )
    )
    session.commit()


def counter(session: Session, agreement_id: str) -> QuotaCounter | None:
    """The agreement's quota counter."""
    return session.get(QuotaCounter, agreement_id)
