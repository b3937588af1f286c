"""Access requests and agreements on the pages: both sides of a usage contract, and the operator's queue.

Each view calls one service of ``negotiations`` or ``agreements``. What a page offers to do next is a
convenience for the reader; the services decide who may do what, and their refusals are shown on the
page, next to the field they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from pydantic import ValidationError

from ..db import get_session
from ..errors import Problem, not_found
from ..models import Dataset, Negotiation, Offer, Organization, OrgKind, User
from ..node import contract_context
from ..schemas.contracts import CounterOfferIn, ReasonIn, SignIn
from ..services import agreements, negotiations
from ..services.actors import Actor
from . import bp
from .catalog_pages import DELIVERY_WORDS
from .dataset_forms import ReasonForm
from .forms import CounterOfferForm, EmptyForm, SignForm
from .listings import posted, title_of
from .offer_forms import as_problem
from .offer_views import BUYERS, STEWARDS, view_of
from .session import current_user, login_required, member, web_actor

REVIEWERS = frozenset({"reviewer", "admin"})
STATE_WORDS = {
    "REQUESTED": "waiting for approval",
    "OFFERED": "counter-offer waiting for the consumer",
    "ACCEPTED": "counter-offer accepted, waiting for approval",
    "AGREED": "contract waiting for the consumer's signature",
    "VERIFIED": "signed by both sides",
    "FINALIZED": "agreement in force",
    "TERMINATED": "ended",
}
EVENT_WORDS = {
    "ContractRequestMessage": "requested",
    "ContractOfferMessage": "counter-offer made",
    "ContractAgreementMessage": "contract signed by the provider and sent",
    "ContractAgreementVerificationMessage": "contract signed by the consumer",
    "ContractNegotiationEventMessage:ACCEPTED": "counter-offer accepted",
    "ContractNegotiationEventMessage:FINALIZED": "countersigned by the node",
    "ContractNegotiationTerminationMessage": "ended",
    "suspend": "agreement suspended",
    "resume": "agreement resumed",
    "terminate": "agreement terminated",
    "expire": "agreement expired",
}
STEPS = {
    "approve": "You approved the request.",
    "decline": "You declined the request.",
    "counter-offer": "Your counter-offer is sent; the consumer accepts it or asks again.",
    "accept": "You accepted the counter-offer.",
    "request-again": "Your new request is sent; the provider decides afresh.",
    "withdraw": "You withdrew the request.",
    "sign": "You signed the contract; the node countersigned it and the agreement is in force.",
}
FORMS: dict[str, Any] = {
    "counter-offer": CounterOfferForm,
    "request-again": CounterOfferForm,
    "sign": SignForm,
    "accept": EmptyForm,
}
LABELS = {"reason": "Reason", "validity_days": "Term (days)", "sha256": "Contract text"}
REASON_LABELS = {
    "decline": "Reason for declining",
    "withdraw": "Why you withdraw the request",
    "counter-offer": "Why",
    "suspend": "Why the agreement is suspended",
    "terminate": "Why the agreement is terminated",
}
WAITING = frozenset(s.value for s in negotiations.OPEN) - {"AGREED", "VERIFIED"}


@dataclass(frozen=True)
class Row:
    """A request or agreement in a list: with its dataset and the party on the other side."""

    item: Any
    dataset: Dataset | None
    counterparty: Organization | None


# ---------------------------------------------------------------------------------------------------------
# Access requests


@bp.get("/account/requests")
@login_required
def access_requests() -> Any:
    """Requests the organisation made, and (providers) requests made to it, newest first."""
    _, org, actor = _member()
    session, ctx = get_session(), contract_context()
    made: list[Negotiation] = []
    received: list[Negotiation] = []
    if org.kind != OrgKind.OPERATOR.value:
        made = negotiations.list_negotiations(session, actor, "consumer", ctx)
    if org.kind == OrgKind.PROVIDER.value:
        received = negotiations.list_negotiations(session, actor, "provider", ctx)
    return render_template(
        "contracts/requests.html",
        org=org,
        made=_rows(made, "provider_org_id"),
        received=_rows(received, "consumer_org_id"),
        states=STATE_WORDS,
    )


@bp.get("/account/requests/<negotiation_id>")
@login_required
def access_request(negotiation_id: str) -> Any:
    """One request: its terms, its history and what the viewer may do next."""
    return _request_page(negotiation_id)


@bp.post("/account/requests/<negotiation_id>/<step>")
@login_required
def request_step(negotiation_id: str, step: str) -> Any:
    """Approve, decline, counter-offer, accept, ask again, withdraw or sign: one step of the negotiation."""
    if step not in STEPS:
        raise not_found("action", step)
    _, _, actor = _member()
    form = posted(FORMS.get(step, ReasonForm)())
    try:
        agreement_id = _take(step, actor, negotiation_id, form)
    except (ValidationError, Problem) as exc:
        return _request_page(negotiation_id, as_problem(exc), step)
    flash(STEPS[step], "info")
    if agreement_id is not None:
        return redirect(url_for("web.agreement", agreement_id=agreement_id))
    return redirect(url_for("web.access_request", negotiation_id=negotiation_id))


def _take(step: str, actor: Actor, negotiation_id: str, form: Any) -> str | None:
    """Run one step through its service; the agreement's id when signing put one in force."""
    session, ctx = get_session(), contract_context()
    if step == "sign":
        sha256 = SignIn.model_validate({"sha256": form.sha256.data or None}).sha256
        return negotiations.sign(session, actor, negotiation_id, sha256, ctx).id
    if step == "accept":
        negotiations.accept(session, actor, negotiation_id, ctx)
        return None
    if step in ("counter-offer", "request-again"):
        typed = {"validity_days": form.validity_days.data, "reason": form.reason.data or None}
        terms = CounterOfferIn.model_validate({k: v for k, v in typed.items() if v})
        if step == "counter-offer":
            negotiations.counter_offer(session, actor, negotiation_id, terms.validity_days, terms.reason, ctx)
        else:
            negotiations.request_again(session, actor, negotiation_id, terms.validity_days, ctx)
        return None
    reason = ReasonIn.model_validate({"reason": (form.reason.data or "").strip() or None}).reason
    decide = {
        "approve": negotiations.approve,
        "decline": negotiations.decline,
        "withdraw": negotiations.withdraw,
    }
    decide[step](session, actor, negotiation_id, reason, ctx)
    return None


def _request_page(negotiation_id: str, problem: Problem | None = None, failed: str | None = None) -> Any:
    user, _, actor = _member()
    session, ctx = get_session(), contract_context()
    negotiation = negotiations.get_negotiation(session, actor, negotiation_id, ctx)
    side = negotiations.side_of(actor, negotiation)
    data = negotiations.to_output(session, negotiation, actor)
    agreement = None
    if data["agreement_id"]:
        agreement = agreements.get_agreement(session, actor, data["agreement_id"], ctx)
    offer = session.get(Offer, negotiation.offer_id)
    dataset = session.get(Dataset, negotiation.dataset_id)
    assert offer is not None
    assert dataset is not None
    errors, summary = _errors(problem, failed)
    page = render_template(
        "contracts/request.html",
        n=negotiation,
        side=side,
        steps=next_steps(negotiation, side, frozenset(user.roles)),
        offer=view_of(offer, dataset),
        dataset=dataset,
        title=title_of(dataset.title),
        consumer=session.get(Organization, negotiation.consumer_org_id),
        provider=session.get(Organization, negotiation.provider_org_id),
        agreement=agreement,
        events=_events(data["events"]),
        states=STATE_WORDS,
        problem=problem,
        errors=errors,
        summary=summary,
        failed=failed,
    )
    return page, problem.status if problem else 200


def next_steps(n: Negotiation, side: str | None, roles: frozenset[str]) -> frozenset[str]:
    """What the viewer may do next, after the protocol's states, the approvals so far and their roles."""
    steps: set[str] = set()
    state = n.state
    if side == "provider" and roles & STEWARDS:
        if state in ("REQUESTED", "ACCEPTED") and n.provider_approved_at is None:
            steps.add("approve")
        if state == "REQUESTED" and n.provider_approved_at is None:
            steps.add("counter-offer")
        if state in ("REQUESTED", "OFFERED", "ACCEPTED"):
            steps.add("decline")
    if side == "operator" and roles & REVIEWERS and n.needs_operator and n.operator_approved_at is None:
        steps.update({"approve", "decline"} if state in ("REQUESTED", "ACCEPTED") else set())
    if side == "consumer" and roles & BUYERS:
        if state == "OFFERED":
            steps.update({"accept", "request-again"})
        if state in ("REQUESTED", "OFFERED", "AGREED"):
            steps.add("withdraw")
        if state == "AGREED":
            steps.add("sign")
    return frozenset(steps)


# ---------------------------------------------------------------------------------------------------------
# Agreements


@bp.get("/account/agreements")
@login_required
def my_agreements() -> Any:
    """The organisation's agreements as consumer and as provider (the operator: every agreement)."""
    _, org, actor = _member()
    session, ctx = get_session(), contract_context()
    sections = []
    if org.kind == OrgKind.OPERATOR.value:
        rows = agreements.list_agreements(session, actor, "operator", ctx)
        sections.append(("every", "Every agreement on the node", _rows(rows, "provider_org_id")))
    else:
        rows = agreements.list_agreements(session, actor, "consumer", ctx)
        sections.append(("consumer", "As consumer", _rows(rows, "provider_org_id")))
    if org.kind == OrgKind.PROVIDER.value:
        rows = agreements.list_agreements(session, actor, "provider", ctx)
        sections.append(("provider", "As provider", _rows(rows, "consumer_org_id")))
    return render_template("contracts/agreements.html", org=org, sections=sections)


@bp.get("/agreements/<agreement_id>")
@login_required
def agreement(agreement_id: str) -> Any:
    """The contract: its text and hash, both signatures, the node's countersignature, its life so far."""
    return _agreement_page(agreement_id)


@bp.get("/agreements/<agreement_id>/contract.md")
@login_required
def contract_download(agreement_id: str) -> Response:
    """The contract text exactly as signed; its SHA-256 is the one on the contract page."""
    _, _, actor = _member()
    row = agreements.get_agreement(get_session(), actor, agreement_id, contract_context())
    return Response(row.contract_text, mimetype="text/markdown", headers=agreements.download_headers(row))


@bp.post("/agreements/<agreement_id>/<change>")
@login_required
def change_agreement(agreement_id: str, change: str) -> Any:
    """Suspend, resume or terminate an agreement, saying why (not needed to resume)."""
    if change not in agreements.CHANGES:
        raise not_found("action", change)
    _, _, actor = _member()
    form = posted(ReasonForm())
    try:
        reason = ReasonIn.model_validate({"reason": (form.reason.data or "").strip() or None}).reason
        row = agreements.change(get_session(), actor, agreement_id, change, reason, contract_context())
    except (ValidationError, Problem) as exc:
        return _agreement_page(agreement_id, as_problem(exc), change)
    flash(f"The agreement is {agreements.CHANGES[change].past}; it is now {row.status}.", "info")
    return redirect(url_for("web.agreement", agreement_id=agreement_id))


def _agreement_page(agreement_id: str, problem: Problem | None = None, failed: str | None = None) -> Any:
    user, _, actor = _member()
    session = get_session()
    row = agreements.get_agreement(session, actor, agreement_id, contract_context())
    side = agreements.side_of(actor, row)
    data = agreements.to_output(session, row)
    dataset = session.get(Dataset, row.dataset_id)
    assert dataset is not None
    errors, summary = _errors(problem, failed)
    page = render_template(
        "contracts/agreement.html",
        a=row,
        data=data,
        side=side,
        changes=_changes(row.status, side, frozenset(user.roles)),
        dataset=dataset,
        title=title_of(dataset.title),
        delivery=[DELIVERY_WORDS.get(m, m) for m in row.delivery_modes],
        consumer=session.get(Organization, row.consumer_org_id),
        provider=session.get(Organization, row.provider_org_id),
        signatures=[{**s, "user": _user(s["user_id"])} for s in data["signatures"]],
        events=_events(e.model_dump() for e in agreements.history(session, row)),
        problem=problem,
        errors=errors,
        summary=summary,
        failed=failed,
    )
    return page, problem.status if problem else 200


def _changes(status: str, side: str | None, roles: frozenset[str]) -> list[str]:
    """The lifecycle changes the viewer may make now."""
    fits = {"consumer": BUYERS, "provider": STEWARDS, "operator": frozenset({"admin"})}
    if side is None or not roles & fits[side]:
        return []
    return [c for c in agreements.allowed_changes(status) if side in agreements.CHANGES[c].sides]


# ---------------------------------------------------------------------------------------------------------
# The operator's queue


@bp.get("/review/requests")
@login_required
def review_requests() -> Any:
    """Requests for important data that wait for the operator's approval, oldest first."""
    _, actor = member(
        OrgKind.OPERATOR.value, REVIEWERS, "requests are reviewed by the operator's reviewers and admins"
    )
    rows = negotiations.list_negotiations(get_session(), actor, "operator", contract_context())
    waiting = [
        n
        for n in reversed(rows)
        if n.needs_operator and n.operator_approved_at is None and n.state in WAITING
    ]
    session = get_session()
    items = [
        (n, session.get(Dataset, n.dataset_id), session.get(Organization, n.consumer_org_id)) for n in waiting
    ]
    return render_template(
        "contracts/review_requests.html",
        items=items,
        providers={n.provider_org_id: session.get(Organization, n.provider_org_id) for n in waiting},
        states=STATE_WORDS,
    )


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _member() -> tuple[User, Organization, Actor]:
    """The logged-in user, their organisation and the actor they are (views are behind login_required)."""
    user = current_user()
    assert user is not None
    org = get_session().get(Organization, user.org_id)
    assert org is not None
    return user, org, web_actor(user, org)


def _rows(items: list[Any], other: str) -> list[Row]:
    session = get_session()
    return [
        Row(item, session.get(Dataset, item.dataset_id), session.get(Organization, getattr(item, other)))
        for item in items
    ]


def _user(user_id: str | None) -> User | None:
    return get_session().get(User, user_id) if user_id else None


def _events(events: Any) -> list[dict[str, Any]]:
    """History lines with the action in words and the person who acted, where one did."""
    return [
        {**e, "words": EVENT_WORDS.get(e["action"], e["action"]), "user": _user(e["user_id"])} for e in events
    ]


def _errors(problem: Problem | None, failed: str | None) -> tuple[dict[str, list[str]], list[dict[str, Any]]]:
    """Errors by the id of the field of the failed form (``decline-reason``), and the summary above."""
    errors: dict[str, list[str]] = {}
    summary = []
    for error in problem.errors if problem else []:
        field, reason = str(error["field"]), str(error["reason"])
        slot = f"{failed}-{field}" if failed and field in LABELS else None
        if slot:
            errors.setdefault(slot, []).append(reason)
        label = REASON_LABELS.get(failed or "", "Reason") if field == "reason" else LABELS.get(field, field)
        summary.append({"slot": slot, "label": label, "reason": reason, "path": None})
    return errors, summary
