"""One data-plane call of a demo consumer, judged and metered as the gateway judges and meters it.

The demo's past deliveries cannot go through HTTP (the gateway stamps every call with the present), so
each call is checked here the way `gateway/gate.py` checks it (status, delivery mode, the agreement's
ODRL policy at the call's time, the quota), it weighs what the gateway's answer would (`answers.py`),
and `metering.meter` or `metering.refuse` writes it down, each committing on its own as on the data
plane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from aggregates import QueryError

from ..gateway import gate
from ..gateway.snapshots import FileRef, Snapshot
from ..gateway.tables import PARQUET_TYPES
from ..services import metering
from .answers import Answers
from .specs import Call

SOURCES = {"csv": "text/csv", "parquet": PARQUET_TYPES[0]}


@dataclass(frozen=True)
class Consumer:
    """An agreement in force as its consumer's client uses it."""

    snapshot: Snapshot
    client_id: str
    changed_at: datetime  # the agreement's last change: before it, a suspended agreement was active


def make_call(
    session: Session,
    consumer: Consumer,
    call: Call,
    *,
    at: datetime,
    key: str,
    duration_ms: int,
    answers: Answers,
) -> bool:
    """Make the call at `at`: metered when the gateway would deliver it, else recorded as refused."""
    snapshot = consumer.snapshot
    file = _file(snapshot, call.source)
    request = _request_line(snapshot.id, file.id, call)
    purpose = call.purpose or snapshot.purpose
    refusal = _refusal(consumer, call, purpose, at)
    if refusal is None:
        try:
            records, size = answers.size(snapshot, file, call)
        except QueryError as refused:
            refusal = ("query-refused", refused.reason)
    if refusal is None:
        delivery = metering.Delivery(
            agreement_id=snapshot.id,
            dataset_id=snapshot.dataset_id,
            distribution_id=file.id,
            consumer_org_id=snapshot.consumer_org_id,
            provider_org_id=snapshot.provider_org_id,
            client_id=consumer.client_id,
            mode=call.mode,
            purpose=purpose,
            request=request,
            records=records,
            bytes=size,
        )
        try:
            metering.meter(session, delivery, at=at, key=key, duration_ms=duration_ms)
            return True
        except metering.QuotaExhausted as exhausted:
            refusal = ("quota-exhausted", str(exhausted))
    reason, detail = refusal
    metering.refuse(
        session,
        agreement_id=snapshot.id,
        consumer_org_id=snapshot.consumer_org_id,
        client_id=consumer.client_id,
        reason=reason,
        detail=detail,
        request=request,
        at=at,
    )
    return False


def _refusal(consumer: Consumer, call: Call, purpose: str, at: datetime) -> tuple[str, str] | None:
    """Why the gate refuses the call, in its words; None when it lets the call pass."""
    snapshot = consumer.snapshot
    if snapshot.status != "active" and at >= consumer.changed_at:
        return f"agreement-{snapshot.status}", f"the agreement is {snapshot.status}: {snapshot.status_reason}"
    if call.mode not in snapshot.delivery_modes:
        modes = ", ".join(sorted(snapshot.delivery_modes))
        return "mode-not-allowed", f"the agreement delivers by {modes}, not {call.mode}"
    permitted, explanation = gate.decide(snapshot, gate.ACTIONS[call.mode], purpose, at)
    if not permitted:
        text = "; ".join(explanation)
        return ("purpose-not-allowed" if "purpose" in text else "policy-denied"), text
    return None


def _file(snapshot: Snapshot, source: str) -> FileRef:
    media_type = SOURCES[source]
    return next(f for f in snapshot.files.values() if f.path is not None and f.media_type == media_type)


def _request_line(agreement_id: str, distribution_id: str, call: Call) -> str:
    path = f"/data/v1/agreements/{agreement_id}/distributions/{distribution_id}"
    if call.mode == "download":
        return f"GET {path}/file"
    if call.mode == "aggregate":
        return f"POST {path}/aggregate"
    query = f"page={call.page}&per_page={call.per_page}" + ("&format=csv" if call.fmt == "csv" else "")
    return f"GET {path}/records?{query}"
