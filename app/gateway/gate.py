"""The check every data call passes, and the metering that follows it.

1. The JWT is validated locally (signature, audience `{BASE_URL}/data`, expiry, revocation) and must
   carry `data:read` and name this agreement.
2. The agreement's snapshot (cached) must be active and within its term, and allow the delivery mode.
3. Its ODRL policy is evaluated for this request: the consumer, the action, the purpose (the agreed one,
   or the `X-Purpose` header), the time, the consumer's country.
4. A retry with an `Idempotency-Key` already used replays its delivery uncounted.
5. Otherwise the usage event is made durable before the data is sent. When the database must decide
   first (the agreement limits its uses, or the request carries an `Idempotency-Key`), the quota is
   consumed and the event written in one committed transaction; otherwise the event is appended to
   the process's usage journal, which the database takes in batches (`services/usage_journal.py`).

A refusal is a Problem Details answer saying why, and is kept as an `AccessRefusal`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from flask import current_app, request

from policy import Duration, Request, evaluate
from policy.values import add_duration

from .. import journal
from ..db import get_session
from ..errors import Problem
from ..models import UsageEvent
from ..models.base import utcnow
from ..oauth.resource import authenticate, insufficient_scope
from ..services import metering
from ..services.actors import Actor
from ..services.offers import party_iri
from .snapshots import FileRef, Snapshot, SnapshotCache

DATA_READ = "data:read"
CACHE = "dxnode.agreement_snapshots"
ACTIONS = {"download": "read", "records": "read", "aggregate": "aggregate"}
KEY_HEADER = "Idempotency-Key"
DECISION_TTL = timedelta(seconds=60)


@dataclass
class Pass:
    """A call that passed the gate: who, under which agreement, and whether it replays an earlier one."""

    actor: Actor
    snapshot: Snapshot
    mode: str
    purpose: str
    key: str | None
    replayed: UsageEvent | None
    started: float
    at: datetime
    line: str

    def delivery(self, file: FileRef | None, *, records: int = 0, size: int = 0) -> metering.Delivery:
        """The usage event's facts for what is about to be sent."""
        return metering.Delivery(
            agreement_id=self.snapshot.id,
            dataset_id=self.snapshot.dataset_id,
            distribution_id=file.id if file else None,
            consumer_org_id=self.snapshot.consumer_org_id,
            provider_org_id=self.snapshot.provider_org_id,
            client_id=self.actor.client_id,
            mode=self.mode,
            purpose=self.purpose,
            request=self.line,
            records=records,
            bytes=size,
        )


def snapshots() -> SnapshotCache:
    """The process's agreement snapshots."""
    cache: SnapshotCache = current_app.extensions[CACHE]
    return cache


def admit(agreement_id: str, at: datetime) -> tuple[Actor, Snapshot]:
    """Checks 1 and 2 without a delivery mode: a data token for this agreement, in force now."""
    actor = authenticate("data")
    if DATA_READ not in actor.scopes:
        raise insufficient_scope([DATA_READ])
    if actor.agreement_id != agreement_id:
        raise Problem(403, "the token serves another agreement", slug="wrong-agreement")
    snapshot = snapshots().get(agreement_id)
    if snapshot is None or snapshot.consumer_org_id != actor.org_id:
        raise Problem(404, f"agreement {agreement_id!r} does not exist or is not yours", slug="not-found")
    if snapshot.status != "active":
        _refuse(
            actor,
            snapshot,
            f"agreement-{snapshot.status}",
            f"the agreement is {snapshot.status}: {snapshot.status_reason}",
            at,
        )
    if at >= snapshot.valid_until:
        _refuse(
            actor,
            snapshot,
            "agreement-expired",
            f"the agreement expired at {snapshot.valid_until.isoformat()}",
            at,
        )
    return actor, snapshot


def enter(agreement_id: str, mode: str) -> Pass:
    """Run checks 1 to 4 for a call in `mode`; refusals are recorded and raised as Problems."""
    started, at = time.perf_counter(), utcnow()
    actor, snapshot = admit(agreement_id, at)
    purpose = request.headers.get("X-Purpose", snapshot.purpose).strip() or snapshot.purpose
    if mode not in snapshot.delivery_modes:
        modes = ", ".join(sorted(snapshot.delivery_modes))
        _refuse(actor, snapshot, "mode-not-allowed", f"the agreement delivers by {modes}, not {mode}", at)
    permitted, explanation = decide(snapshot, ACTIONS[mode], purpose, at)
    if not permitted:
        _refuse(actor, snapshot, _policy_slug(explanation), "; ".join(explanation), at)
    key = request.headers.get(KEY_HEADER)
    if key is not None and not 0 < len(key) <= 200:
        raise Problem(400, f"{KEY_HEADER} must be 1 to 200 characters", slug="invalid-idempotency-key")
    line = _request_line()
    replayed = metering.replay(get_session(), agreement_id, key) if key else None
    if replayed is not None and replayed.request != line[:1000]:
        raise Problem(
            422,
            f"this {KEY_HEADER} was used for another request ({replayed.request})",
            slug="idempotency-key-reused",
        )
    return Pass(actor, snapshot, mode, purpose, key, replayed, started, at, line)


def meter(passed: Pass, delivery: metering.Delivery) -> None:
    """Make the usage event durable before the data is sent (check 5); nothing for replays."""
    if passed.replayed is not None:
        return
    duration = int((time.perf_counter() - passed.started) * 1000)
    if passed.snapshot.max_uses is None and passed.key is None:
        journal.current().append(delivery, at=passed.at, duration_ms=duration)
        return
    session = get_session()
    try:
        event = metering.meter(session, delivery, at=passed.at, key=passed.key, duration_ms=duration)
    except metering.QuotaExhausted as exhausted:
        _refuse(passed.actor, passed.snapshot, "quota-exhausted", str(exhausted), passed.at, status=429)
    if event is None:  # a concurrent retry with the same key was counted first
        passed.replayed = metering.replay(session, passed.snapshot.id, passed.key or "")


def decide(snapshot: Snapshot, action: str, purpose: str, at: datetime) -> tuple[bool, tuple[str, ...]]:
    """The agreement's ODRL policy for this action and purpose now, with its explanation.

    A decision is kept until the next moment a `dateTime` or `elapsedTime` constraint of the policy can
    change it (at most a minute), so repeated calls cost a lookup rather than an evaluation.
    """
    cached = snapshot.decisions.get((action, purpose))
    if cached is not None and at < cached[0]:
        return cached[1], cached[2]
    decision = evaluate(
        snapshot.policy,
        Request(
            action=action,
            time=at,
            assignee=party_iri(snapshot.consumer_org_id),
            target=snapshot.policy.target,
            purpose=purpose,
            agreement_start=snapshot.valid_from,
            spatial=snapshot.consumer_jurisdiction,
            recipient=party_iri(snapshot.consumer_org_id),
        ),
    )
    until = min([at + DECISION_TTL, *(moment for moment in _boundaries(snapshot) if moment > at)])
    snapshot.decisions[(action, purpose)] = (until, decision.allowed, decision.explanation)
    return decision.allowed, decision.explanation


def _boundaries(snapshot: Snapshot) -> list[datetime]:
    """The moments at which the policy's time constraints change their answer."""
    moments: list[datetime] = []

    def visit(constraint: Any) -> None:
        for part in getattr(constraint, "constraints", ()):
            visit(part)
        left = getattr(constraint, "left_operand", None)
        right = getattr(constraint, "right_operand", None)
        if left == "dateTime" and isinstance(right, datetime):
            moments.extend((right, right + timedelta(microseconds=1)))
        elif left == "elapsedTime" and isinstance(right, Duration):
            end = add_duration(snapshot.valid_from, right)
            moments.extend((end, end + timedelta(microseconds=1)))

    for rule in (*snapshot.policy.permissions, *snapshot.policy.prohibitions):
        for constraint in rule.constraints:
            visit(constraint)
    return moments


def file_of(passed: Pass, distribution_id: str) -> FileRef:
    """A distribution of the agreement's dataset."""
    file = passed.snapshot.files.get(distribution_id)
    if file is None:
        raise Problem(
            404, f"distribution {distribution_id!r} is not part of this agreement", slug="not-found"
        )
    return file


def refuse(passed: Pass, slug: str, detail: str, status: int, field: str | None = None) -> NoReturn:
    """Refuse a call that passed the gate (a query that would reveal too much), keeping the refusal."""
    errors = [{"field": field, "reason": detail}] if field else []
    _refuse(passed.actor, passed.snapshot, slug, detail, passed.at, status=status, errors=errors)


def _refuse(
    actor: Actor,
    snapshot: Snapshot,
    slug: str,
    detail: str,
    at: datetime,
    status: int = 403,
    errors: list[dict[str, str]] | None = None,
) -> NoReturn:
    metering.refuse(
        get_session(),
        agreement_id=snapshot.id,
        consumer_org_id=snapshot.consumer_org_id,
        client_id=actor.client_id,
        reason=slug,
        detail=detail,
        request=_request_line(),
        at=at,
    )
    raise Problem(status, detail, slug=slug, errors=errors or ())


def _policy_slug(explanation: tuple[str, ...]) -> str:
    text = " ".join(explanation)
    if "purpose" in text:
        return "purpose-not-allowed"
    if "dateTime" in text or "elapsedTime" in text:
        return "outside-permitted-time"
    if "spatial" in text:
        return "jurisdiction-not-allowed"
    return "policy-denied"


def _request_line() -> str:
    query = request.query_string.decode("latin-1")
    return f"{request.method} {request.path}" + (f"?{query}" if query else "")
