"""Offers, access requests and agreements: both sides of a usage contract, from the offer to its end."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app

from ..db import get_session
from ..errors import Problem
from ..node import contract_context
from ..schemas.contracts import (
    AgreementOut,
    AgreementQuery,
    CounterOfferIn,
    NegotiationIn,
    NegotiationOut,
    NegotiationQuery,
    OfferIn,
    OfferOut,
    ReasonIn,
    SignIn,
    VerificationOut,
)
from ..services import agreement_checks, agreements, negotiations, offers
from ..services.actors import Actor
from . import bp
from .operations import operation

OFFERS, REQUESTS, AGREEMENTS = "Offers", "Access requests", "Agreements"


def _negotiation(row: Any, actor: Actor | None = None) -> dict[str, Any]:
    return negotiations.to_output(get_session(), row, actor)


def _agreement(row: Any) -> dict[str, Any]:
    return agreements.to_output(get_session(), row)


@bp.post("/datasets/<dataset_id>/offers")
@operation(
    summary="Offer a dataset",
    tag=OFFERS,
    scopes=["catalog:write"],
    body=OfferIn,
    response=OfferOut,
    status=201,
    errors={409},
)
def create_offer(actor: Actor, dataset_id: str, body: OfferIn) -> dict[str, Any]:
    """Price, ODRL policy, delivery modes (as the grade allows), contract template and approval mode.

    Without a `policy`, the node writes the ODRL policy from the offer's purposes, jurisdictions,
    recipients, use count and availability window. The offer is rendered with its template against a
    sample consumer, so a template that cannot state it is refused now (422, naming the field).
    """
    offer = offers.create_offer(get_session(), actor, dataset_id, body, current_app.config["BASE_URL"])
    return offers.to_output(offer)


@bp.get("/datasets/<dataset_id>/offers")
@operation(summary="A dataset's offers", tag=OFFERS, optional_auth=True, response=list[OfferOut])
def list_offers(actor: Actor | None, dataset_id: str) -> list[dict[str, Any]]:
    """Active offers for everybody; withdrawn ones too for the provider and the operator."""
    rows = offers.list_offers(get_session(), actor, dataset_id, active_only=False)
    return [offers.to_output(o) for o in rows]


@bp.get("/offers/<offer_id>")
@operation(summary="Get an offer", tag=OFFERS, optional_auth=True, response=OfferOut)
def get_offer(actor: Actor | None, offer_id: str) -> dict[str, Any]:
    """An offer on a dataset you may see."""
    return offers.to_output(offers.get_offer(get_session(), actor, offer_id))


@bp.post("/offers/<offer_id>/withdraw")
@operation(summary="Withdraw an offer", tag=OFFERS, scopes=["catalog:write"], response=OfferOut, errors={409})
def withdraw_offer(actor: Actor, offer_id: str) -> dict[str, Any]:
    """No new requests; agreements already made stay in force."""
    return offers.to_output(offers.withdraw_offer(get_session(), actor, offer_id))


@bp.post("/negotiations")
@operation(
    summary="Request access",
    tag=REQUESTS,
    scopes=["access:request"],
    body=NegotiationIn,
    response=NegotiationOut,
    status=201,
    errors={409},
)
def request_access(actor: Actor, body: NegotiationIn) -> dict[str, Any]:
    """Ask for an offer for a stated purpose (state REQUESTED).

    The offer's policy is evaluated for you at once: a purpose, jurisdiction or recipient it does not
    allow is refused (403, naming the constraint). Automatic offers go straight on to AGREED, with the
    contract waiting for your signature.
    """
    row = negotiations.request_access(get_session(), actor, body, contract_context())
    return _negotiation(row, actor)


@bp.get("/negotiations")
@operation(
    summary="List access requests",
    tag=REQUESTS,
    scopes=[],
    query=NegotiationQuery,
    response=list[NegotiationOut],
)
def list_negotiations(actor: Actor, query: NegotiationQuery) -> list[dict[str, Any]]:
    """Requests you made (`role=consumer`), requests to you (`role=provider`), or all (`role=operator`)."""
    rows = negotiations.list_negotiations(get_session(), actor, query.role, contract_context(), query.state)
    return [_negotiation(n, actor) for n in rows]


@bp.get("/negotiations/<negotiation_id>")
@operation(summary="Get an access request", tag=REQUESTS, scopes=[], response=NegotiationOut)
def get_negotiation(actor: Actor, negotiation_id: str) -> dict[str, Any]:
    """The request, its state, what each side may do next, and its history."""
    row = negotiations.get_negotiation(get_session(), actor, negotiation_id, contract_context())
    return _negotiation(row, actor)


def _step(scope: str, summary: str, doc: str, body: Any) -> Any:
    """A step of a negotiation: one side's scope, an optional reason or a term, the request as answer."""
    return operation(
        summary=summary,
        description=doc,
        tag=REQUESTS,
        scopes=[scope],
        body=body,
        body_optional=body is ReasonIn,
        response=NegotiationOut,
        errors={409},
    )


def _provider_step(summary: str, doc: str, body: Any = ReasonIn) -> Any:
    return _step("contracts:write", summary, doc, body)


def _consumer_step(summary: str, doc: str, body: Any = None) -> Any:
    return _step("access:request", summary, doc, body)


@bp.post("/negotiations/<negotiation_id>/approve")
@_provider_step(
    "Approve an access request",
    "The provider's (or, for important data, the operator's) approval; the last approval issues the "
    "contract signed by the provider (AGREED).",
)
def approve(actor: Actor, negotiation_id: str, body: ReasonIn) -> dict[str, Any]:
    row = negotiations.approve(get_session(), actor, negotiation_id, body.reason, contract_context())
    return _negotiation(row, actor)


@bp.post("/negotiations/<negotiation_id>/decline")
@_provider_step("Decline an access request", "Ends the request (TERMINATED); `reason` is required.")
def decline(actor: Actor, negotiation_id: str, body: ReasonIn) -> dict[str, Any]:
    row = negotiations.decline(get_session(), actor, negotiation_id, body.reason, contract_context())
    return _negotiation(row, actor)


@bp.post("/negotiations/<negotiation_id>/counter-offer")
@_provider_step(
    "Make a counter-offer",
    "Offer a shorter term instead (OFFERED); the consumer accepts or asks again.",
    CounterOfferIn,
)
def counter_offer(actor: Actor, negotiation_id: str, body: CounterOfferIn) -> dict[str, Any]:
    row = negotiations.counter_offer(
        get_session(), actor, negotiation_id, body.validity_days, body.reason, contract_context()
    )
    return _negotiation(row, actor)


@bp.post("/negotiations/<negotiation_id>/accept")
@_consumer_step("Accept a counter-offer", "The consumer accepts the provider's offer (ACCEPTED).")
def accept(actor: Actor, negotiation_id: str) -> dict[str, Any]:
    row = negotiations.accept(get_session(), actor, negotiation_id, contract_context())
    return _negotiation(row, actor)


@bp.post("/negotiations/<negotiation_id>/request")
@_consumer_step(
    "Answer a counter-offer with a new request",
    "Ask again with a different term (REQUESTED).",
    CounterOfferIn,
)
def request_again(actor: Actor, negotiation_id: str, body: CounterOfferIn) -> dict[str, Any]:
    row = negotiations.request_again(
        get_session(), actor, negotiation_id, body.validity_days, contract_context()
    )
    return _negotiation(row, actor)


@bp.post("/negotiations/<negotiation_id>/withdraw")
@_consumer_step("Withdraw an access request", "The consumer ends its request (TERMINATED).", ReasonIn)
def withdraw(actor: Actor, negotiation_id: str, body: ReasonIn) -> dict[str, Any]:
    row = negotiations.withdraw(get_session(), actor, negotiation_id, body.reason, contract_context())
    return _negotiation(row, actor)


@bp.post("/negotiations/<negotiation_id>/sign")
@operation(
    summary="Sign the contract",
    tag=REQUESTS,
    scopes=["access:request"],
    body=SignIn,
    body_optional=True,
    response=AgreementOut,
    errors={409},
)
def sign(actor: Actor, negotiation_id: str, body: SignIn) -> dict[str, Any]:
    """The consumer signs the contract issued for its request (VERIFIED); the node countersigns and the
    agreement is in force (FINALIZED). Send the `sha256` you read to make sure you sign that text."""
    row = negotiations.sign(get_session(), actor, negotiation_id, body.sha256, contract_context())
    return _agreement(row)


@bp.get("/agreements")
@operation(
    summary="List agreements", tag=AGREEMENTS, scopes=[], query=AgreementQuery, response=list[AgreementOut]
)
def list_agreements(actor: Actor, query: AgreementQuery) -> list[dict[str, Any]]:
    """Your agreements as consumer (`role=consumer`) or provider (`role=provider`), or all (operator)."""
    rows = agreements.list_agreements(get_session(), actor, query.role, contract_context(), query.status)
    return [_agreement(a) for a in rows]


@bp.get("/agreements/<agreement_id>")
@operation(summary="Get an agreement", tag=AGREEMENTS, scopes=[], response=AgreementOut)
def get_agreement(actor: Actor, agreement_id: str) -> dict[str, Any]:
    """The agreement with its terms, policy, signatures and the node's countersignature."""
    return _agreement(agreements.get_agreement(get_session(), actor, agreement_id, contract_context()))


@bp.get("/agreements/<agreement_id>/contract")
@operation(
    summary="Download the contract text",
    tag=AGREEMENTS,
    scopes=[],
    response=str,
    media_type="text/markdown",
)
def contract_text(actor: Actor, agreement_id: str) -> Response:
    """The contract as rendered and signed (Markdown); its SHA-256 is in the `Digest`-style header."""
    row = agreements.get_agreement(get_session(), actor, agreement_id, contract_context())
    return Response(row.contract_text, mimetype="text/markdown", headers=agreements.download_headers(row))


@bp.get("/agreements/<agreement_id>/verification")
@operation(summary="Verify an agreement", tag=AGREEMENTS, scopes=[], response=VerificationOut)
def verify_agreement(actor: Actor, agreement_id: str) -> dict[str, Any]:
    """Recompute the contract hash from the stored terms and from the text, and verify the node's JWS
    with its published keys: what a third party holding the contract would check."""
    row = agreements.get_agreement(get_session(), actor, agreement_id, contract_context())
    checks = agreement_checks.verify(row, current_app.extensions["dxnode.keyring"].jwks())
    return {
        "agreement_id": row.id,
        "valid": all(problem is None for _, problem in checks),
        "checks": [{"check": name, "ok": problem is None, "problem": problem} for name, problem in checks],
    }


def _lifecycle(summary: str, doc: str, scopes: list[str]) -> Any:
    return operation(
        summary=summary,
        description=doc,
        tag=AGREEMENTS,
        scopes=scopes,
        body=ReasonIn,
        body_optional=True,
        response=AgreementOut,
        errors={409},
    )


@bp.post("/agreements/<agreement_id>/suspend")
@_lifecycle(
    "Suspend an agreement",
    "Provider or operator; the consumer's tokens stop working at once.",
    ["contracts:write"],
)
def suspend(actor: Actor, agreement_id: str, body: ReasonIn) -> dict[str, Any]:
    return _change(actor, agreement_id, "suspend", body)


@bp.post("/agreements/<agreement_id>/resume")
@_lifecycle("Resume an agreement", "Provider or operator, within the agreement's term.", ["contracts:write"])
def resume(actor: Actor, agreement_id: str, body: ReasonIn) -> dict[str, Any]:
    return _change(actor, agreement_id, "resume", body)


@bp.post("/agreements/<agreement_id>/terminate")
@_lifecycle(
    "Terminate an agreement",
    "Either party or the operator, with a reason; the consumer's tokens stop working at once.",
    [],
)
def terminate(actor: Actor, agreement_id: str, body: ReasonIn) -> dict[str, Any]:
    if not (actor.has_scope("access:request") or actor.has_scope("contracts:write")):
        raise Problem(
            403, "this operation needs the scope access:request or contracts:write", slug="insufficient-scope"
        )
    return _change(actor, agreement_id, "terminate", body)


def _change(actor: Actor, agreement_id: str, name: str, body: ReasonIn) -> dict[str, Any]:
    row = agreements.change(get_session(), actor, agreement_id, name, body.reason, contract_context())
    return _agreement(row)
