"""Agreements: the signed usage contracts, their countersignature, their life and their tokens.

An agreement is in force (`active`) from its finalisation until the end of its term. The provider or
the operator may suspend and resume it; either party or the operator may terminate it, saying why; it
expires at the end of its term. Suspension, termination and expiry revoke the consumer's tokens for the
agreement at once, and data tokens never outlive it (their expiry is capped at its end).

The node countersigns a finalised agreement as a compact JWS (RS256, `typ` dxnode-agreement+jws) over
the contract's hash, the policy's hash, the parties, both signatures and the term, with the key it
publishes at /oauth/jwks; anyone holding the contract text can check it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

import contracts_templates
from dsp import xsd_datetime

from ..errors import Problem, field_error, forbidden, not_found
from ..models import (
    AccessTokenRecord,
    Agreement,
    AgreementSignature,
    AgreementStatus,
    ContractEvent,
    RefreshToken,
)
from ..models import Role as MemberRole
from ..models.base import utcnow
from . import contract_events
from .actors import Actor, current_roles, require_role
from .contract_context import NodeContext
from .contract_sides import listing, side_of
from .revocation import revoke_access_tokens

A = AgreementStatus
JWS_TYPE = "dxnode-agreement+jws"
CHANGED = "dxnode.changed_agreements"
"""Session key: ids of agreements changed in the transaction, for caches to drop when it commits."""


def touched(session: Session, agreement: Agreement) -> None:
    """Note that an agreement changed, so the data plane's cached copy is dropped at commit."""
    session.info.setdefault(CHANGED, set()).add(agreement.id)


@dataclass(frozen=True)
class Change:
    """A lifecycle change: from which statuses, to which, and who may make it."""

    name: str
    sources: frozenset[str]
    target: AgreementStatus
    sides: frozenset[str]
    past: str


CHANGES: dict[str, Change] = {
    c.name: c
    for c in (
        Change(
            "suspend", frozenset({A.ACTIVE}), A.SUSPENDED, frozenset({"provider", "operator"}), "suspended"
        ),
        Change("resume", frozenset({A.SUSPENDED}), A.ACTIVE, frozenset({"provider", "operator"}), "resumed"),
        Change(
            "terminate",
            frozenset({A.ACTIVE, A.SUSPENDED}),
            A.TERMINATED,
            frozenset({"consumer", "provider", "operator"}),
            "terminated",
        ),
    )
}


def get_agreement(session: Session, actor: Actor, agreement_id: str, ctx: NodeContext) -> Agreement:
    """An agreement the actor is party to (or the operator), expired first if its term is over."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or side_of(actor, agreement) is None:
        raise not_found("agreement", agreement_id)
    expire_if_due(session, agreement, ctx)
    return agreement


def list_agreements(
    session: Session, actor: Actor, role: str, ctx: NodeContext, status: str | None = None
) -> list[Agreement]:
    """My agreements as consumer or provider, or (operator) every agreement."""
    query = listing(Agreement, actor, role, "agreement")
    if query is None:
        return []
    rows = list(session.exec(query.order_by(col(Agreement.created_at).desc(), col(Agreement.id))))
    for agreement in rows:
        expire_if_due(session, agreement, ctx)
    return [a for a in rows if status is None or a.status == status]


def change(
    session: Session, actor: Actor, agreement_id: str, name: str, reason: str | None, ctx: NodeContext
) -> Agreement:
    """Suspend, resume or terminate an agreement, or answer 409 naming what its status allows."""
    agreement = get_agreement(session, actor, agreement_id, ctx)
    step = CHANGES[name]
    side = side_of(actor, agreement)
    assert side is not None
    if agreement.status not in step.sources:
        allowed = allowed_changes(agreement.status)
        raise Problem(
            409,
            f"a {agreement.status} agreement cannot be {step.past}; allowed: {', '.join(allowed) or 'none'}",
            slug="invalid-transition",
            status_now=agreement.status,
            allowed=allowed,
        )
    if side not in step.sides:
        who = " or ".join(f"the {s}" for s in sorted(step.sides))
        raise forbidden(f"only {who} may {name} an agreement")
    _require_side_role(session, actor, agreement, side)
    if name != "resume" and not (reason and reason.strip()):
        raise field_error("reason", f"say why the agreement is {step.past}")
    if name == "resume" and agreement.valid_until <= ctx.now():
        raise Problem(409, "the agreement's term is over; it cannot be resumed", slug="invalid-transition")
    if step.target is A.TERMINATED:
        end(session, agreement, A.TERMINATED, f"terminated by the {side}: {reason}", actor, side, ctx)
        return agreement
    before = agreement.status
    agreement.status, agreement.status_reason, agreement.updated_at = step.target.value, reason, ctx.now()
    session.add(agreement)
    touched(session, agreement)
    if step.target is A.SUSPENDED:
        revoke_tokens(session, agreement.id)
    _event(session, agreement, name, before, actor, side, reason, ctx)
    return agreement


def allowed_changes(status: str) -> list[str]:
    """The lifecycle changes possible from a status."""
    return [name for name, step in CHANGES.items() if status in step.sources]


def end(
    session: Session,
    agreement: Agreement,
    status: AgreementStatus,
    reason: str,
    actor: Actor | None,
    side: str,
    ctx: NodeContext,
) -> None:
    """End an agreement for good (terminated or expired) and cut off its tokens."""
    before = agreement.status
    agreement.status, agreement.status_reason = status.value, reason
    agreement.ended_at = agreement.updated_at = ctx.now()
    session.add(agreement)
    touched(session, agreement)
    revoke_tokens(session, agreement.id)
    _event(
        session, agreement, "expire" if status is A.EXPIRED else "terminate", before, actor, side, reason, ctx
    )


def expire_if_due(session: Session, agreement: Agreement, ctx: NodeContext) -> bool:
    """Mark an agreement expired once its term is over."""
    if agreement.status not in (A.ACTIVE, A.SUSPENDED) or agreement.valid_until > ctx.now():
        return False
    end(
        session,
        agreement,
        A.EXPIRED,
        f"expired at the end of its term, {agreement.valid_until.isoformat()}",
        None,
        "node",
        ctx,
    )
    return True


def expire_overdue(session: Session, ctx: NodeContext) -> int:
    """Expire every agreement whose term is over; the number expired."""
    due = session.exec(
        select(Agreement).where(
            col(Agreement.status).in_([A.ACTIVE.value, A.SUSPENDED.value]),
            col(Agreement.valid_until) <= ctx.now(),
        )
    )
    return sum(expire_if_due(session, a, ctx) for a in list(due))


def revoke_tokens(session: Session, agreement_id: str) -> list[str]:
    """Revoke every access and refresh token issued for the agreement."""
    now = utcnow()
    for token in session.exec(
        select(RefreshToken).where(
            RefreshToken.agreement_id == agreement_id, col(RefreshToken.revoked_at).is_(None)
        )
    ):
        token.revoked_at = now
        session.add(token)
    return revoke_access_tokens(session, AccessTokenRecord.agreement_id == agreement_id)


def usable_for_tokens(session: Session, org_id: str, agreement_id: str, ctx: NodeContext) -> Agreement:
    """The agreement a data token is asked for, if the client's organisation may use it now."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.consumer_org_id != org_id:
        raise LookupError(f"no agreement {agreement_id!r} of this client's organisation")
    expire_if_due(session, agreement, ctx)
    if agreement.status != A.ACTIVE.value:
        raise LookupError(f"the agreement is {agreement.status}")
    return agreement


def countersign(session: Session, agreement: Agreement, ctx: NodeContext) -> None:
    """Sign the agreement as the node: a compact JWS over its hashes, parties, signatures and term."""
    signatures = _signatures(session, agreement)
    payload = {
        "iss": ctx.base_url,
        "iat": int(ctx.now().timestamp()),
        "agreement": f"urn:uuid:{agreement.id}",
        "offer": f"urn:uuid:{agreement.offer_id}",
        "provider": f"urn:uuid:{agreement.provider_org_id}",
        "consumer": f"urn:uuid:{agreement.consumer_org_id}",
        "template": f"{agreement.template_id}/v{agreement.template_version}",
        "contract_sha256": agreement.contract_sha256,
        "policy_sha256": contracts_templates.policy_digest(agreement.policy),
        "valid_from": xsd_datetime(agreement.valid_from),
        "valid_until": xsd_datetime(agreement.valid_until),
        "signatures": [
            {
                "party": s.party,
                "org": f"urn:uuid:{s.org_id}",
                "method": s.method,
                "sha256": s.sha256,
                "signed_at": xsd_datetime(s.signed_at),
            }
            for s in signatures
        ],
    }
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    agreement.node_jws, agreement.node_kid = ctx.sign(body, JWS_TYPE)
    session.add(agreement)


def to_output(session: Session, agreement: Agreement) -> dict[str, Any]:
    """The API's view of an agreement (the shape of ``AgreementOut``)."""
    return {
        "id": agreement.id,
        "negotiation_id": agreement.negotiation_id,
        "offer_id": agreement.offer_id,
        "dataset_id": agreement.dataset_id,
        "consumer_org_id": agreement.consumer_org_id,
        "provider_org_id": agreement.provider_org_id,
        "status": agreement.status,
        "status_reason": agreement.status_reason,
        "purpose": agreement.purpose,
        "delivery_modes": list(agreement.delivery_modes),
        "template": agreement.template_id,
        "template_version": agreement.template_version,
        "contract_sha256": agreement.contract_sha256,
        "policy": dict(agreement.policy),
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "signatures": [
            {
                "party": s.party,
                "org_id": s.org_id,
                "user_id": s.user_id,
                "client_id": s.client_id,
                "method": s.method,
                "sha256": s.sha256,
                "signed_at": s.signed_at,
            }
            for s in _signatures(session, agreement)
        ],
        "node_signature": agreement.node_jws,
        "node_key_id": agreement.node_kid,
        "terms": json.loads(agreement.terms),
        "created_at": agreement.created_at,
        "finalized_at": agreement.finalized_at,
        "ended_at": agreement.ended_at,
    }


def download_headers(agreement: Agreement) -> dict[str, str]:
    """How the contract text is offered for download: a file name and its SHA-256 (RFC 9530 and plain)."""
    digest = base64.b64encode(bytes.fromhex(agreement.contract_sha256)).decode()
    return {
        "Content-Disposition": f'attachment; filename="contract-{agreement.id}.md"',
        "Repr-Digest": f"sha-256=:{digest}:",
        "X-Contract-SHA256": agreement.contract_sha256,
    }


def history(session: Session, agreement: Agreement) -> list[ContractEvent]:
    """Everything that happened to the negotiation and the agreement, in order."""
    return contract_events.history(session, agreement.negotiation_id)


def _signatures(session: Session, agreement: Agreement) -> list[AgreementSignature]:
    return list(
        session.exec(
            select(AgreementSignature)
            .where(AgreementSignature.agreement_id == agreement.id)
            .order_by(col(AgreementSignature.signed_at), col(AgreementSignature.party).desc())
        )
    )


def _require_side_role(session: Session, actor: Actor, agreement: Agreement, side: str) -> None:
    if side == "operator":
        if not actor.system and MemberRole.ADMIN.value not in current_roles(session, actor):
            raise forbidden("changing agreements for the operator needs the admin role")
        return
    org_id = agreement.consumer_org_id if side == "consumer" else agreement.provider_org_id
    roles = (
        (MemberRole.BUYER, MemberRole.ADMIN) if side == "consumer" else (MemberRole.STEWARD, MemberRole.ADMIN)
    )
    require_role(session, actor, org_id, *roles)


def _event(
    session: Session,
    agreement: Agreement,
    action: str,
    before: str,
    actor: Actor | None,
    side: str,
    reason: str | None,
    ctx: NodeContext,
) -> None:
    contract_events.record(
        session,
        agreement.negotiation_id,
        action,
        before,
        agreement.status,
        actor,
        side,
        ctx.now(),
        reason,
        agreement.id,
    )
