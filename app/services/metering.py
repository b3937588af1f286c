"""Counting use exactly: quota consumed atomically, one usage event per logical request, refusals kept.

`consume` is a single conditional UPDATE (`used = used + units` only while the limit allows it), so
concurrent calls can never exceed an ODRL `count` limit, on SQLite (one writer at a time) as on
PostgreSQL (the row lock). The event is inserted in the same transaction, which commits before any
data leaves the node; a retry with the same `Idempotency-Key` finds the event and is not counted again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import psycopg
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


#: A second event with the same idempotency key, as SQLAlchemy or either driver reports it.
_UNIQUE_VIOLATIONS = (IntegrityError, sqlite3.IntegrityError, psycopg.errors.UniqueViolation)


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


_CONSUME = (
    "UPDATE quota_counter SET used = used + {n}, updated_at = {now} WHERE agreement_id = {agreement}"
    " AND (max_uses IS NULL OR used + {n} <= max_uses)"
)
_ADD_USES = "UPDATE quota_counter SET used = used + {n}, updated_at = {now} WHERE agreement_id = {agreement}"
_OPEN_COUNTER = (
    "INSERT INTO quota_counter (agreement_id, used, max_uses, updated_at) VALUES ({a}, {n}, NULL, {now})"
)
_RECORD = (
    "INSERT INTO usage_event (id, agreement_id, dataset_id, distribution_id, consumer_org_id,"
    " provider_org_id, client_id, mode, units, records, bytes, purpose, idempotency_key, request, at, day,"
    " duration_ms) VALUES ({values})"
)
_RECORD_FIELDS = 17


class Statements:
    """The metering statements in the driver's own parameter style, with its value formats.

    They go straight to the DB-API cursor of a connection (inside its transaction): the statements are
    fixed, so SQLAlchemy's compilation and result machinery would only add time to every data call.
    Values are always bound parameters.
    """

    def __init__(self, paramstyle: str, sqlite: bool) -> None:
        self.mark = mark = "?" if paramstyle == "qmark" else "%s"
        self.consume = _CONSUME.format(n=mark, now=mark, agreement=mark)
        self.add_uses = _ADD_USES.format(n=mark, now=mark, agreement=mark)
        self.open_counter = _OPEN_COUNTER.format(a=mark, n=mark, now=mark)
        self.record = _RECORD.format(values=", ".join([mark] * _RECORD_FIELDS))
        self.sqlite = sqlite

    def existing_ids(self, count: int) -> str:
        """Which of `count` event ids are already recorded."""
        return f"SELECT id FROM usage_event WHERE id IN ({', '.join([self.mark] * count)})"  # noqa: S608

    def moment(self, value: datetime) -> Any:
        """A timestamp as UTCDateTime stores it: naive UTC text on SQLite, aware on PostgreSQL."""
        if self.sqlite:
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def day(self, value: date) -> Any:
        return value.isoformat() if self.sqlite else value

    def event_values(
        self, event_id: str, delivery: Delivery, *, at: datetime, key: str | None, duration_ms: int
    ) -> tuple[Any, ...]:
        """The parameters of `record` for one event."""
        return (
            event_id,
            delivery.agreement_id,
            delivery.dataset_id,
            delivery.distribution_id,
            delivery.consumer_org_id,
            delivery.provider_org_id,
            delivery.client_id,
            delivery.mode,
            delivery.units,
            delivery.records,
            delivery.bytes,
            delivery.purpose,
            key,
            delivery.request[:1000],
            self.moment(at),
            self.day(at.astimezone(UTC).date()),
            duration_ms,
        )


_STATEMENTS: dict[str, Statements] = {}


def statements_for(dialect: Any) -> Statements:
    """The metering statements of a database dialect."""
    statements = _STATEMENTS.get(dialect.name)
    if statements is None:
        statements = _STATEMENTS[dialect.name] = Statements(dialect.paramstyle, dialect.name == "sqlite")
    return statements


def _statements(session: Session) -> tuple[Any, Statements]:
    connection = session.connection()
    return connection.connection.driver_connection, statements_for(connection.dialect)


def consume(session: Session, agreement_id: str, units: int, now: datetime) -> None:
    """Take `units` uses from the agreement's quota, atomically, or raise QuotaExhausted.

    One conditional UPDATE: the limit is checked and the use counted in the same statement, so no two
    concurrent calls can both take the last use.
    """
    driver, statements = _statements(session)
    cursor = driver.cursor()
    cursor.execute(statements.consume, (units, statements.moment(now), agreement_id, units))
    if cursor.rowcount == 1:
        return
    counter = session.get(QuotaCounter, agreement_id)
    if counter is None:  # agreements made before metering: count from now on, without a limit
        session.add(QuotaCounter(agreement_id=agreement_id, used=units, max_uses=None, updated_at=now))
        return
    session.refresh(counter)
    raise QuotaExhausted(counter.used, counter.max_uses or 0)


def record(session: Session, delivery: Delivery, *, at: datetime, key: str | None, duration_ms: int) -> str:
    """Append the usage event of a delivery (in the caller's transaction); returns its id."""
    driver, statements = _statements(session)
    event_id = new_id()
    values = statements.event_values(event_id, delivery, at=at, key=key, duration_ms=duration_ms)
    driver.cursor().execute(statements.record, values)
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
    except _UNIQUE_VIOLATIONS:
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
