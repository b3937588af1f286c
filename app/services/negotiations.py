"""Access requests, negotiated in the Dataspace Protocol's states, ending in a signed agreement.

A consumer asks for an offer for a stated purpose (REQUESTED). The offer's ODRL policy is evaluated for
that consumer at once, so a purpose, jurisdiction or recipient the offer does not allow is refused with
the constraint that failed. Approval follows the grade table: important data needs the provider and the
operator, general-4 and general-3 (and personal data) the provider, general-2 the provider unless the
offer approves automatically and the consumer's credit allows, general-1 is automatic unless the offer
says otherwise. The provider may make a counter-offer (OFFERED), which the consumer accepts (ACCEPTED)
or answers with a new request. Once approved, the contract is rendered and signed by the provider
(AGREED); the consumer's signature (VERIFIED) lets the node countersign and put it in force (FINALIZED).
Either side may end a negotiation (TERMINATED, with a reason); undecided ones expire after a deadline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

import contracts_templates
from dsp import NegotiationMessage, NegotiationState, Role, TransitionError, allowed_transitions, next_state
from policy import Request, evaluate, parse_policy

from ..errors import Problem, field_error, forbidden, not_found
from ..models import (
    Agreement,
    AgreementSignature,
    AgreementStatus,
    Dataset,
    Negotiation,
    Offer,
    OfferStatus,
    Organization,
    OrgKind,
    OrgStatus,
)
from ..models import Role as MemberRole
from ..models.base import new_id
from ..schemas.contracts import NegotiationIn
from . import agreements, contract_events, metering
from .actors import Actor, current_roles, require_role
from .contract_context import NodeContext
from .contract_sides import listing, side_of
from .contract_terms import contract_terms
from .offers import offered, party_iri

S, M = NegotiationState, NegotiationMessage
OPEN = (S.REQUESTED, S.OFFERED, S.ACCEPTED, S.AGREED, S.VERIFIED)
DSP_OUTBOX = "dxnode.dsp_outbox"
"""Session key: (negotiation id, message) pairs to send to remote consumers once the transaction commits."""

#: Which organisation field and which roles act for each side.
SIDE_ROLES = {
    "consumer": (MemberRole.BUYER, MemberRole.ADMIN),
    "provider": (MemberRole.STEWARD, MemberRole.ADMIN),
}


def request_access(
    session: Session,
    actor: Actor,
    data: NegotiationIn,
    ctx: NodeContext,
    *,
    consumer_pid: str | None = None,
    callback_address: str | None = None,
) -> Negotiation:
    """A consumer asks for an offer; automatic offers go straight on to the contract."""
    if actor.org_id is None:
        raise forbidden("access is requested by an organisation")
    consumer = session.get(Organization, actor.org_id)
    assert consumer is not None
    require_role(session, actor, consumer.id, *SIDE_ROLES["consumer"])
    offer = session.get(Offer, data.offer_id)
    dataset = session.get(Dataset, offer.dataset_id) if offer is not None else None
    if offer is None or dataset is None or not offered(dataset):
        raise field_error("offer_id", f"no published offer {data.offer_id!r}", status=404)
    if offer.status != OfferStatus.ACTIVE.value:
        raise field_error("offer_id", "the offer has been withdrawn", status=409)
    provider = session.get(Organization, offer.org_id)
    assert provider is not None
    _check_parties(consumer, provider, dataset, offer)
    validity_days = data.validity_days or offer.validity_days
    if validity_days > offer.validity_days:
        raise field_error("validity_days", f"the offer runs for at most {offer.validity_days} days")
    check_policy(offer, consumer, data.purpose, ctx)
    if consumer_pid is None:
        _refuse_duplicate(session, consumer.id, offer.id)
    needs_provider, needs_operator = approvals_needed(offer, dataset, consumer, ctx)
    negotiation = Negotiation(
        consumer_pid="",
        offer_id=offer.id,
        dataset_id=dataset.id,
        consumer_org_id=consumer.id,
        provider_org_id=provider.id,
        state=S.REQUESTED.value,
        purpose=data.purpose,
        purpose_note=data.purpose_note,
        validity_days=validity_days,
        requested_by=actor.user_id,
        callback_address=callback_address,
        needs_provider=needs_provider,
        needs_operator=needs_operator,
        expires_at=ctx.now() + ctx.negotiation_ttl,
    )
    negotiation.consumer_pid = consumer_pid or f"urn:uuid:{negotiation.id}"
    _move(session, negotiation, None, M.REQUEST, Role.CONSUMER, actor, "consumer", ctx)
    if not needs_provider and not needs_operator:
        _agree(session, negotiation, actor=None, ctx=ctx)
    return negotiation


def approvals_needed(
    offer: Offer, dataset: Dataset, consumer: Organization, ctx: NodeContext
) -> tuple[bool, bool]:
    """Whether the provider, and the operator, must approve this consumer's request (the grade table)."""
    grade = dataset.grade
    if grade == "important":
        return True, True
    if grade in ("general-4", "general-3") or dataset.personal_info != "none":
        return True, False
    automatic = offer.approval == "automatic"
    if grade == "general-2":
        return not (automatic and consumer.credit_score >= ctx.auto_min_credit), False
    return not automatic, False


def check_policy(offer: Offer, consumer: Organization, purpose: str, ctx: NodeContext) -> None:
    """Refuse, naming the failed constraint, a request the offer's ODRL policy does not permit."""
    decision = evaluate(
        parse_policy(offer.policy),
        Request(
            action="use",
            time=ctx.now(),
            assignee=party_iri(consumer.id),
            target=str(offer.policy.get("target")),
            purpose=purpose,
            agreement_start=ctx.now(),
            spatial=consumer.jurisdiction,
            recipient=party_iri(consumer.id),
        ),
    )
    if decision.allowed:
        return
    fields = {"purpose": "purpose", "spatial": "consumer.jurisdiction", "recipient": "consumer"}
    errors = []
    for check in decision.constraints:
        if check.holds is not True and not check.parts and check.left_operand is not None:
            left = check.left_operand.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            if left in ("payAmount",):
                continue
            errors.append({"field": fields.get(left, "offer_id"), "reason": check.reason})
    raise Problem(
        403,
        "the offer's policy does not permit this request: " + "; ".join(decision.explanation[1:3]),
        slug="policy-denied",
        title="Not permitted by the offer's policy",
        errors=errors,
        explanation=list(decision.explanation),
    )


def get_negotiation(session: Session, actor: Actor, negotiation_id: str, ctx: NodeContext) -> Negotiation:
    """A negotiation the actor takes part in (or oversees), expired first if its deadline has passed."""
    negotiation = session.get(Negotiation, negotiation_id)
    if negotiation is None or side_of(actor, negotiation) is None:
        raise not_found("negotiation", negotiation_id)
    _expire_if_due(session, negotiation, ctx)
    return negotiation


def list_negotiations(
    session: Session, actor: Actor, role: str, ctx: NodeContext, state: str | None = None
) -> list[Negotiation]:
    """Requests I made (consumer), requests to me (provider), or every request (operator)."""
    query = listing(Negotiation, actor, role, "request")
    if query is None:
        return []
    rows = list(session.exec(query.order_by(col(Negotiation.updated_at).desc(), col(Negotiation.id))))
    for negotiation in rows:
        _expire_if_due(session, negotiation, ctx)
    return [n for n in rows if state is None or n.state == state]


def approve(
    session: Session, actor: Actor, negotiation_id: str, reason: str | None, ctx: NodeContext
) -> Negotiation:
    """The provider (or the operator, where the grade needs it) approves; the last approval agrees."""
    negotiation = get_negotiation(session, actor, negotiation_id, ctx)
    side = _acting_side(session, actor, negotiation, ("provider", "operator"))
    _check_allowed(negotiation, M.AGREEMENT, Role.PROVIDER)
    now = ctx.now()
    if side == "operator":
        if not negotiation.needs_operator:
            raise Problem(409, "this request does not need the operator's approval", slug="not-needed")
        if negotiation.operator_approved_at is not None:
            raise Problem(409, "the operator has already approved this request", slug="already-approved")
        negotiation.operator_approved_at, negotiation.operator_approved_by = now, actor.user_id
    else:
        if negotiation.provider_approved_at is not None:
            raise Problem(409, "the provider has already approved this request", slug="already-approved")
        negotiation.provider_approved_at, negotiation.provider_approved_by = now, actor.user_id
    negotiation.updated_at = now
    session.add(negotiation)
    _event(
        session,
        negotiation,
        f"approved by the {side}",
        negotiation.state,
        negotiation.state,
        actor,
        side,
        reason,
    )
    if _approved(negotiation):
        _agree(session, negotiation, actor=actor if side == "provider" else None, ctx=ctx)
    return negotiation


def decline(
    session: Session, actor: Actor, negotiation_id: str, reason: str | None, ctx: NodeContext
) -> Negotiation:
    """The provider or the operator refuses a request, saying why."""
    negotiation = get_negotiation(session, actor, negotiation_id, ctx)
    side = _acting_side(session, actor, negotiation, ("provider", "operator"))
    _require_reason(reason, "declined")
    _move(session, negotiation, negotiation.state, M.TERMINATION, Role.PROVIDER, actor, side, ctx, reason)
    negotiation.reason = f"declined by the {side}: {reason}"
    _end_pending_agreement(session, negotiation, negotiation.reason, ctx)
    return negotiation


def counter_offer(
    session: Session,
    actor: Actor,
    negotiation_id: str,
    validity_days: int,
    reason: str | None,
    ctx: NodeContext,
) -> Negotiation:
    """The provider offers different terms (a shorter term); the consumer accepts or asks again."""
    negotiation = get_negotiation(session, actor, negotiation_id, ctx)
    _acting_side(session, actor, negotiation, ("provider",))
    offer = session.get(Offer, negotiation.offer_id)
    assert offer is not None
    if validity_days > offer.validity_days:
        raise field_error("validity_days", f"the offer runs for at most {offer.validity_days} days")
    _move(session, negotiation, negotiation.state, M.OFFER, Role.PROVIDER, actor, "provider", ctx, reason)
    negotiation.validity_days = validity_days
    negotiation.provider_approved_at, negotiation.provider_approved_by = ctx.now(), actor.user_id
    return negotiation


def accept(session: Session, actor: Actor, negotiation_id: str, ctx: NodeContext) -> Negotiation:
    """The consumer accepts the provider's counter-offer; the contract follows once all approvals are in."""
    negotiation = get_negotiation(session, actor, negotiation_id, ctx)
    _acting_side(session, actor, negotiation, ("consumer",))
    _move(session, negotiation, negotiation.state, M.ACCEPTED_EVENT, Role.CONSUMER, actor, "consumer", ctx)
    if _approved(negotiation):
        _agree(session, negotiation, actor=None, ctx=ctx)
    return negotiation


def request_again(
    session: Session, actor: Actor, negotiation_id: str, validity_days: int, ctx: NodeContext
) -> Negotiation:
    """The consumer answers a counter-offer with a new request; the provider decides afresh."""
    negotiation = get_negotiation(session, actor, negotiation_id, ctx)
    _acting_side(session, actor, negotiation, ("consumer",))
    offer = session.get(Offer, negotiation.offer_id)
    assert offer is not None
    if validity_days > offer.validity_days:
        raise field_error("validity_days", f"the offer runs for at most {offer.validity_days} days")
    _move(session, negotiation, negotiation.state, M.REQUEST, Role.CONSUMER, actor, "consumer", ctx)
    negotiation.validity_days = validity_days
    negotiation.provider_approved_at = negotiation.provider_approved_by = None
    return negotiation


def withdraw(
    session: Session, actor: Actor, negotiation_id: str, reason: str | None, ctx: NodeContext
) -> Negotiation:
    """The consumer ends its own request."""
    negotiation = get_negotiation(session, actor, negotiation_id, ctx)
    _acting_side(session, actor, negotiation, ("consumer",))
    _require_reason(reason, "withdrawn")
    _move(
        session, negotiation, negotiation.state, M.TERMINATION, Role.CONSUMER, actor, "consumer", ctx, reason
    )
    negotiation.reason = f"withdrawn by the consumer: {reason}"
    _end_pending_agreement(session, negotiation, negotiation.reason, ctx)
    return negotiation


def sign(
    session: Session, actor: Actor, negotiation_id: str, sha256: str | None, ctx: NodeContext
) -> Agreement:
    """The consumer signs the contract text (VERIFIED); the node countersigns and puts it in force."""
    negotiation = get_negotiation(session, actor, negotiation_id, ctx)
    _acting_side(session, actor, negotiation, ("consumer",))
    _check_allowed(negotiation, M.VERIFICATION, Role.CONSUMER)
    agreement = _agreement_of(session, negotiation)
    if sha256 is not None and sha256 != agreement.contract_sha256:
        raise field_error("sha256", "is not the SHA-256 of the contract text you were given", status=409)
    _move(session, negotiation, negotiation.state, M.VERIFICATION, Role.CONSUMER, actor, "consumer", ctx)
    session.add(
        AgreementSignature(
            agreement_id=agreement.id,
            party="consumer",
            org_id=negotiation.consumer_org_id,
            user_id=actor.user_id,
            client_id=None if actor.user_id else actor.client_id,
            method="user" if actor.user_id else "client",
            sha256=agreement.contract_sha256,
            signed_at=ctx.now(),
        )
    )
    session.flush()
    finalize(session, negotiation, agreement, ctx)
    return agreement


def finalize(session: Session, negotiation: Negotiation, agreement: Agreement, ctx: NodeContext) -> None:
    """The node countersigns a verified agreement and puts it in force (FINALIZED)."""
    agreements.countersign(session, agreement, ctx)
    _move(session, negotiation, negotiation.state, M.FINALIZED_EVENT, Role.PROVIDER, None, "node", ctx)
    agreement.status, agreement.finalized_at, agreement.updated_at = (
        AgreementStatus.ACTIVE.value,
        ctx.now(),
        ctx.now(),
    )
    session.add(agreement)
    agreements.touched(session, agreement)
    metering.open_counter(session, agreement.id, agreement.policy)
    _event(session, negotiation, "agreement in force", "pending", "active", None, "node", None, agreement.id)


def expire_overdue(session: Session, ctx: NodeContext) -> int:
    """End every open negotiation past its deadline; the number ended."""
    open_states = [s.value for s in OPEN]
    due = session.exec(
        select(Negotiation).where(
            col(Negotiation.state).in_(open_states), col(Negotiation.expires_at) <= ctx.now()
        )
    )
    return sum(_expire_if_due(session, n, ctx) for n in list(due))


def to_output(session: Session, negotiation: Negotiation, actor: Actor | None = None) -> dict[str, Any]:
    """The API's view of a negotiation (the shape of ``NegotiationOut``)."""
    agreement = session.exec(select(Agreement.id).where(Agreement.negotiation_id == negotiation.id)).first()
    events = contract_events.history(session, negotiation.id)
    return {
        "id": negotiation.id,
        "provider_pid": f"urn:uuid:{negotiation.id}",
        "consumer_pid": negotiation.consumer_pid,
        "state": negotiation.state,
        "offer_id": negotiation.offer_id,
        "dataset_id": negotiation.dataset_id,
        "consumer_org_id": negotiation.consumer_org_id,
        "provider_org_id": negotiation.provider_org_id,
        "purpose": negotiation.purpose,
        "purpose_note": negotiation.purpose_note,
        "validity_days": negotiation.validity_days,
        "needs_provider": negotiation.needs_provider,
        "needs_operator": negotiation.needs_operator,
        "provider_approved_at": negotiation.provider_approved_at,
        "operator_approved_at": negotiation.operator_approved_at,
        "reason": negotiation.reason,
        "expires_at": negotiation.expires_at,
        "agreement_id": agreement,
        "allowed": [t.as_dict() for t in allowed_transitions(negotiation.state)],
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor,
                "org_id": e.org_id,
                "user_id": e.user_id,
                "reason": e.reason,
            }
            for e in events
        ],
        "created_at": negotiation.created_at,
        "updated_at": negotiation.updated_at,
    }


# -- the steps -----------------------------------------------------------------------------------------


def _agree(session: Session, negotiation: Negotiation, actor: Actor | None, ctx: NodeContext) -> Agreement:
    """Render the contract, record the provider's signature and send the agreement (AGREED)."""
    offer = session.get(Offer, negotiation.offer_id)
    dataset = session.get(Dataset, negotiation.dataset_id)
    provider = session.get(Organization, negotiation.provider_org_id)
    consumer = session.get(Organization, negotiation.consumer_org_id)
    assert offer is not None
    assert dataset is not None
    assert provider is not None
    assert consumer is not None
    agreement_id = _new_agreement_id(session, negotiation)
    terms = contract_terms(
        session,
        offer,
        dataset,
        provider,
        consumer,
        agreement_id=agreement_id,
        purpose=negotiation.purpose,
        validity_days=negotiation.validity_days,
        base_url=ctx.base_url,
        node_name=ctx.name,
        start=ctx.now(),
    )
    try:
        contract = contracts_templates.render_contract(offer.template_id, offer.template_version, terms)
    except contracts_templates.TermsError as error:
        raise Problem(
            409,
            "the contract cannot be made on these terms: " + "; ".join(str(p) for p in error.problems[:3]),
            slug="contract-refused",
            errors=[{"field": p.path, "reason": p.reason} for p in error.problems],
        ) from None
    valid = terms["validity"]
    agreement = Agreement(
        id=agreement_id,
        negotiation_id=negotiation.id,
        offer_id=offer.id,
        dataset_id=dataset.id,
        consumer_org_id=consumer.id,
        provider_org_id=provider.id,
        purpose=negotiation.purpose,
        delivery_modes=list(offer.delivery_modes),
        template_id=offer.template_id,
        template_version=offer.template_version,
        terms=contract.terms_canonical,
        contract_text=contract.text,
        contract_sha256=contract.sha256,
        policy=terms["policy"],
        valid_from=datetime.fromisoformat(valid["start"]),
        valid_until=datetime.fromisoformat(valid["end"]),
    )
    session.add(agreement)
    session.flush()
    signer = actor.user_id if actor is not None else negotiation.provider_approved_by
    if signer is not None:
        method = "user"
    elif negotiation.needs_provider:
        method = "client"
    else:
        signer, method = offer.created_by, "standing-offer"
    session.add(
        AgreementSignature(
            agreement_id=agreement.id,
            party="provider",
            org_id=provider.id,
            user_id=signer,
            client_id=actor.client_id if actor is not None and method == "client" else None,
            method=method,
            sha256=contract.sha256,
            signed_at=ctx.now(),
        )
    )
    _move(session, negotiation, negotiation.state, M.AGREEMENT, Role.PROVIDER, actor, "provider", ctx)
    negotiation.expires_at = ctx.now() + ctx.negotiation_ttl  # time for the consumer to sign
    _event(session, negotiation, "contract issued", None, "pending", actor, "provider", None, agreement.id)
    return agreement


def _new_agreement_id(session: Session, negotiation: Negotiation) -> str:
    if session.exec(select(Agreement.id).where(Agreement.negotiation_id == negotiation.id)).first():
        raise Problem(409, "this negotiation already has its agreement", slug="conflict")
    return new_id()


def _agreement_of(session: Session, negotiation: Negotiation) -> Agreement:
    agreement = session.exec(select(Agreement).where(Agreement.negotiation_id == negotiation.id)).first()
    if agreement is None:
        raise Problem(409, "no contract has been issued for this request yet", slug="conflict")
    return agreement


def _end_pending_agreement(session: Session, negotiation: Negotiation, reason: str, ctx: NodeContext) -> None:
    agreement = session.exec(select(Agreement).where(Agreement.negotiation_id == negotiation.id)).first()
    if agreement is not None and agreement.status == AgreementStatus.PENDING.value:
        agreements.end(session, agreement, AgreementStatus.TERMINATED, reason, None, "node", ctx)


def _expire_if_due(session: Session, negotiation: Negotiation, ctx: NodeContext) -> bool:
    if NegotiationState(negotiation.state) not in OPEN or negotiation.expires_at > ctx.now():
        return False
    reason = f"expired: no answer by {negotiation.expires_at.isoformat()}"
    sender = Role.CONSUMER if negotiation.state == S.AGREED.value else Role.PROVIDER
    if negotiation.state == S.ACCEPTED.value or negotiation.state == S.VERIFIED.value:
        sender = Role.PROVIDER
    _move(session, negotiation, negotiation.state, M.TERMINATION, sender, None, "node", ctx, reason)
    negotiation.reason = reason
    _end_pending_agreement(session, negotiation, reason, ctx)
    return True


def _move(
    session: Session,
    negotiation: Negotiation,
    state: str | None,
    message: NegotiationMessage,
    sender: Role,
    actor: Actor | None,
    side: str,
    ctx: NodeContext,
    reason: str | None = None,
) -> None:
    """Apply one protocol message, or answer 409 naming the messages the state allows."""
    try:
        target = next_state(state, message, sender)
    except TransitionError as error:
        raise _invalid(error) from None
    negotiation.state = target.value
    negotiation.updated_at = ctx.now()
    session.add(negotiation)
    session.flush()
    _event(session, negotiation, message.value, state, target.value, actor, side, reason)
    if negotiation.callback_address and sender is Role.PROVIDER:
        session.info.setdefault(DSP_OUTBOX, []).append((negotiation.id, message.value))


def _check_allowed(negotiation: Negotiation, message: NegotiationMessage, sender: Role) -> None:
    try:
        next_state(negotiation.state, message, sender)
    except TransitionError as error:
        raise _invalid(error) from None


def _invalid(error: TransitionError) -> Problem:
    return Problem(
        409,
        str(error),
        slug="invalid-transition",
        state=None if error.state is None else error.state.value,
        allowed=[t.as_dict() for t in error.allowed],
    )


def _event(
    session: Session,
    negotiation: Negotiation,
    action: str,
    from_state: str | None,
    to_state: str,
    actor: Actor | None,
    side: str,
    reason: str | None = None,
    agreement_id: str | None = None,
) -> None:
    contract_events.record(
        session,
        negotiation.id,
        action,
        from_state,
        to_state,
        actor,
        side,
        negotiation.updated_at,
        reason,
        agreement_id,
    )


def _approved(negotiation: Negotiation) -> bool:
    provider_ok = not negotiation.needs_provider or negotiation.provider_approved_at is not None
    operator_ok = not negotiation.needs_operator or negotiation.operator_approved_at is not None
    return provider_ok and operator_ok


def _acting_side(session: Session, actor: Actor, negotiation: Negotiation, sides: tuple[str, ...]) -> str:
    """The side the actor acts for, if it is one of `sides` and the actor holds a role for it."""
    side = side_of(actor, negotiation)
    if side not in sides:
        who = " or ".join(f"the {s}" for s in sides)
        raise forbidden(f"only {who} may do this")
    if side == "operator":
        if not actor.system and not current_roles(session, actor) & {
            MemberRole.ADMIN.value,
            MemberRole.REVIEWER.value,
        }:
            raise forbidden("approving for the operator needs the admin or reviewer role")
        return side
    org_id = negotiation.consumer_org_id if side == "consumer" else negotiation.provider_org_id
    require_role(session, actor, org_id, *SIDE_ROLES[side])
    return side


def _check_parties(consumer: Organization, provider: Organization, dataset: Dataset, offer: Offer) -> None:
    if consumer.status != OrgStatus.ACTIVE.value:
        raise Problem(
            403, f"organisation {consumer.name!r} is {consumer.status}", slug="organization-not-active"
        )
    if consumer.id == provider.id:
        raise field_error("offer_id", "an organisation does not request its own data", status=409)
    if consumer.kind == OrgKind.OPERATOR.value:
        raise forbidden("the operator does not request access")
    if provider.status != OrgStatus.ACTIVE.value:
        raise field_error("offer_id", "the provider is not active on this node", status=409)
    if consumer.jurisdiction != provider.jurisdiction:
        if dataset.grade == "important":
            raise Problem(
                403,
                "important data is provided to domestic consumers only",
                slug="cross-border-blocked",
                errors=[{"field": "consumer.jurisdiction", "reason": "outside the provider's country"}],
            )
        if not offer.cross_border:
            raise Problem(
                403,
                f"the offer does not permit provision to consumers outside {provider.jurisdiction}",
                slug="cross-border-blocked",
                errors=[{"field": "consumer.jurisdiction", "reason": "outside the provider's country"}],
            )


def _refuse_duplicate(session: Session, consumer_id: str, offer_id: str) -> None:
    existing = session.exec(
        select(Negotiation.id).where(
            Negotiation.consumer_org_id == consumer_id,
            Negotiation.offer_id == offer_id,
            col(Negotiation.state).in_([s.value for s in OPEN]),
        )
    ).first()
    if existing is not None:
        raise Problem(
            409,
            f"you already have an open request for this offer ({existing})",
            slug="duplicate-request",
            negotiation_id=existing,
        )


def _require_reason(reason: str | None, what: str) -> None:
    if not (reason and reason.strip()):
        raise field_error("reason", f"say why the request is {what}")
