"""The provider side of DSP contract negotiation: a consumer's connector requests, accepts, verifies, ends.

Each endpoint reads one message, checks it against its official schema and that its pids are those of
the negotiation, and calls the negotiation service the JSON API calls for the same step. Only the
consumer organisation of a negotiation sees it; anyone else gets 404, as the binding asks.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, g
from pydantic import ValidationError

from dsp import (
    ContractRequest,
    NegotiationEvent,
    NegotiationState,
    NegotiationTermination,
    ParsedMessage,
    Role,
    TransitionError,
    allowed_transitions,
    contract_negotiation,
)

from ..db import get_session
from ..errors import Problem, from_validation_error, not_found
from ..node import contract_context
from ..oauth.resource import authenticate, insufficient_scope
from ..schemas.contracts import NegotiationIn
from ..services import negotiations, offers
from ..services.actors import Actor
from ..services.dataset_bundles import dataset_iri
from .callbacks import check_callback_address
from .offer_terms import local_id, refusal, stated_days, stated_purpose
from .wire import BASE_PATH, dsp_json, negotiation_error, read_message

if TYPE_CHECKING:
    from ..models import Negotiation, Offer

bp = Blueprint("dsp_negotiations", __name__, url_prefix=f"{BASE_PATH}/negotiations")

SCOPE = "access:request"
ANY_PURPOSE = "any purpose the offer permits"
LONGEST_REASON = 1900  # the node keeps reasons of up to 2000 characters, with a prefix of its own


@bp.errorhandler(Problem)
def _refused(problem: Problem) -> Response:
    provider_pid, consumer_pid = g.get("dsp_pids", ("", ""))
    return negotiation_error(problem, provider_pid, consumer_pid)


@bp.post("/request")
def request_negotiation() -> Response:
    """An initiating ContractRequestMessage on an offer from the catalog: 201, the negotiation REQUESTED.

    The purpose is the request's `purpose eq X` constraint; a shorter term may be asked for with
    `elapsedTime lteq P<days>D`. An offer the provider approves automatically goes on to AGREED at once.
    """
    actor = _consumer()
    message = read_message("ContractRequestMessage")
    assert isinstance(message, ContractRequest)
    g.dsp_pids = ("", message.consumer_pid)
    if message.callback_address is None:
        raise refusal("providerPid", "answers to an offer go to /negotiations/<providerPid>/request")
    check_callback_address(message.callback_address, bool(current_app.config["DSP_CALLBACK_ALLOW_PRIVATE"]))
    session, ctx = get_session(), contract_context()
    offer = _requested_offer(actor, message)
    purpose = stated_purpose(message.offer)
    if purpose is None:
        named = offers.purposes(offer)
        if named:
            raise refusal(
                "offer.permission",
                "state your purpose as the constraint `purpose eq <purpose>`; the offer permits "
                + ", ".join(named),
            )
        purpose = ANY_PURPOSE
    try:
        terms = {"offer_id": offer.id, "purpose": purpose, "validity_days": stated_days(message.offer)}
        data = NegotiationIn.model_validate(terms)
    except ValidationError as error:
        raise from_validation_error(error) from None
    negotiation = negotiations.request_access(
        session,
        actor,
        data,
        ctx,
        consumer_pid=message.consumer_pid,
        callback_address=message.callback_address,
    )
    return _acknowledged(negotiation, 201)


@bp.get("/<provider_pid>")
def get_negotiation(provider_pid: str) -> Response:
    """The negotiation's state."""
    return _acknowledged(_negotiation(_consumer(), provider_pid))


@bp.post("/<provider_pid>/request")
def request_again(provider_pid: str) -> Response:
    """The consumer answers the provider's offer with a request of its own (REQUESTED again).

    The term stays the negotiation's unless the message asks for another; the purpose cannot change.
    """
    actor = _consumer()
    negotiation = _negotiation(actor, provider_pid)
    message = _message(negotiation, provider_pid, "ContractRequestMessage")
    assert isinstance(message, ContractRequest)
    target = dataset_iri(current_app.config["BASE_URL"], negotiation.dataset_id)
    if message.target != target:
        raise refusal("offer.target", f"must be {target}, the dataset of this negotiation")
    purpose = stated_purpose(message.offer)
    if purpose is not None and purpose != negotiation.purpose:
        raise refusal(
            "offer.permission",
            f"the purpose is {negotiation.purpose!r}; for another, start a new negotiation",
        )
    days = stated_days(message.offer) or negotiation.validity_days
    negotiations.request_again(get_session(), actor, negotiation.id, days, contract_context())
    return _acknowledged(negotiation)


@bp.post("/<provider_pid>/events")
def negotiation_event(provider_pid: str) -> Response:
    """The consumer accepts the provider's offer (ACCEPTED); the agreement follows when approvals are in."""
    actor = _consumer()
    negotiation = _negotiation(actor, provider_pid)
    message = _message(negotiation, provider_pid, "ContractNegotiationEventMessage")
    assert isinstance(message, NegotiationEvent)
    if message.event_type != "ACCEPTED":  # FINALIZED is the provider's to send
        state = NegotiationState(negotiation.state)
        error = TransitionError(state, message.transition, Role.CONSUMER, allowed_transitions(state))
        raise Problem(
            400, str(error), slug="invalid-transition", allowed=[t.as_dict() for t in error.allowed]
        )
    negotiations.accept(get_session(), actor, negotiation.id, contract_context())
    return _acknowledged(negotiation)


@bp.post("/<provider_pid>/agreement/verification")
def verify_agreement(provider_pid: str) -> Response:
    """The consumer verifies the agreement (VERIFIED); the node countersigns and finalises it at once."""
    actor = _consumer()
    negotiation = _negotiation(actor, provider_pid)
    _message(negotiation, provider_pid, "ContractAgreementVerificationMessage")
    negotiations.sign(get_session(), actor, negotiation.id, None, contract_context())
    return _acknowledged(negotiation)


@bp.post("/<provider_pid>/termination")
def terminate(provider_pid: str) -> Response:
    """The consumer ends the negotiation (TERMINATED), with its code and reasons as the node's reason."""
    actor = _consumer()
    negotiation = _negotiation(actor, provider_pid)
    message = _message(negotiation, provider_pid, "ContractNegotiationTerminationMessage")
    assert isinstance(message, NegotiationTermination)
    reason = (
        "; ".join(r if isinstance(r, str) else json.dumps(r) for r in message.reasons) or "no reason given"
    )
    if message.code:
        reason = f"[{message.code}] {reason}"
    if len(reason) > LONGEST_REASON:
        reason = reason[: LONGEST_REASON - 1] + "…"
    negotiations.withdraw(get_session(), actor, negotiation.id, reason, contract_context())
    return _acknowledged(negotiation)


def _consumer() -> Actor:
    """The caller: a token of this node with the scope to request access."""
    actor = authenticate("api")
    if not actor.has_scope(SCOPE):
        raise insufficient_scope([SCOPE])
    return actor


def _negotiation(actor: Actor, provider_pid: str) -> Negotiation:
    """The negotiation named by the path, if the actor is its consumer; 404 for anybody else."""
    g.dsp_pids = (provider_pid, "")
    negotiation_id = local_id(provider_pid)
    if negotiation_id is None:
        raise not_found("negotiation", provider_pid)
    negotiation = negotiations.get_negotiation(get_session(), actor, negotiation_id, contract_context())
    if negotiations.side_of(actor, negotiation) != "consumer":
        raise not_found("negotiation", provider_pid)
    g.dsp_pids = (provider_pid, negotiation.consumer_pid)
    return negotiation


def _message(negotiation: Negotiation, provider_pid: str, kind: str) -> ParsedMessage:
    """The body as a message of `kind` about this negotiation: both pids must be its own."""
    message = read_message(kind)
    if getattr(message, "provider_pid", None) != provider_pid:
        raise refusal("providerPid", f"must be {provider_pid}, as in the path")
    if getattr(message, "consumer_pid", None) != negotiation.consumer_pid:
        raise refusal("consumerPid", "is not the consumer's pid of this negotiation")
    return message


def _requested_offer(actor: Actor, message: ContractRequest) -> Offer:
    """The catalog offer the request names, for the dataset it names (400 otherwise)."""
    offer_id = local_id(message.offer_id)
    try:
        offer = offers.get_offer(get_session(), actor, offer_id or "")
    except Problem as problem:
        if problem.status != 404:
            raise
        raise refusal("offer.@id", f"{message.offer_id} is not an offer in this node's catalog") from None
    if message.target != offer.policy.get("target"):
        raise refusal("offer.target", f"must be {offer.policy.get('target')}, the dataset of the offer")
    return offer


def _acknowledged(negotiation: Negotiation, status: int = 200) -> Response:
    """The ContractNegotiation as it stands."""
    body = contract_negotiation(
        provider_pid=f"urn:uuid:{negotiation.id}",
        consumer_pid=negotiation.consumer_pid,
        state=negotiation.state,
    )
    return dsp_json(body, status)
