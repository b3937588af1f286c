"""Building the contract negotiation messages the node sends, each checked against its official schema.

Every builder returns a plain JSON-ready dict in the compact form of the 2025-1 examples: the DSP
context, bare terms (`providerPid`, not `dspace:providerPid`) and ODRL policies in the DSP shape (see
`dsp.policies`). A builder never returns a message that fails its schema: it raises MessageError instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from dsp.negotiation import NegotiationState
from dsp.policies import dsp_agreement, dsp_offer
from dsp.validate import MessageError, validate_message

DSP_CONTEXT = "https://w3id.org/dspace/2025/1/context.jsonld"
EVENT_TYPES = ("ACCEPTED", "FINALIZED")


def contract_request_message(
    *,
    consumer_pid: str,
    offer: Mapping[str, Any],
    provider_pid: str | None = None,
    callback_address: str | None = None,
) -> dict[str, Any]:
    """A consumer's request: initiating (with `callback_address`) or a counter-offer (with `provider_pid`)."""
    _exactly_one(provider_pid=provider_pid, callback_address=callback_address)
    message = _message("ContractRequestMessage", consumerPid=consumer_pid, providerPid=provider_pid)
    message["offer"] = _message_offer(offer)
    return _checked(_put(message, callbackAddress=callback_address))


def contract_offer_message(
    *,
    provider_pid: str,
    offer: Mapping[str, Any],
    consumer_pid: str | None = None,
    callback_address: str | None = None,
) -> dict[str, Any]:
    """A provider's offer: initiating (with `callback_address`) or answering (with `consumer_pid`)."""
    _exactly_one(consumer_pid=consumer_pid, callback_address=callback_address)
    message = _message("ContractOfferMessage", providerPid=provider_pid, consumerPid=consumer_pid)
    message["offer"] = _message_offer(offer)
    return _checked(_put(message, callbackAddress=callback_address))


def contract_agreement_message(
    *,
    provider_pid: str,
    consumer_pid: str,
    policy: Mapping[str, Any],
    agreement_id: str,
    target: str,
    assigner: str,
    assignee: str,
    timestamp: datetime,
) -> dict[str, Any]:
    """The provider's agreement: the agreed policy as an ODRL Agreement for `target`, stamped `timestamp`."""
    message = _message("ContractAgreementMessage", providerPid=provider_pid, consumerPid=consumer_pid)
    message["agreement"] = dsp_agreement(
        policy,
        agreement_id=agreement_id,
        target=target,
        assigner=assigner,
        assignee=assignee,
        timestamp=timestamp,
    )
    return _checked(message)


def agreement_verification_message(*, provider_pid: str, consumer_pid: str) -> dict[str, Any]:
    """The consumer's verification of the agreement it received."""
    return _checked(
        _message("ContractAgreementVerificationMessage", providerPid=provider_pid, consumerPid=consumer_pid)
    )


def negotiation_event_message(*, provider_pid: str, consumer_pid: str, event_type: str) -> dict[str, Any]:
    """An event: ACCEPTED (the consumer accepts the offer) or FINALIZED (the provider finalises)."""
    if event_type not in EVENT_TYPES:
        raise MessageError("$.eventType", f"must be one of {', '.join(EVENT_TYPES)}, not {event_type!r}")
    message = _message("ContractNegotiationEventMessage", providerPid=provider_pid, consumerPid=consumer_pid)
    message["eventType"] = event_type
    return _checked(message)


def termination_message(
    *, provider_pid: str, consumer_pid: str, code: str | None = None, reasons: Sequence[str] = ()
) -> dict[str, Any]:
    """Ending a negotiation, with an optional code and the reasons given to the other party."""
    message = _message(
        "ContractNegotiationTerminationMessage", providerPid=provider_pid, consumerPid=consumer_pid
    )
    return _checked(_put(message, code=code, reason=list(reasons) or None))


def contract_negotiation(
    *, provider_pid: str, consumer_pid: str, state: NegotiationState | str
) -> dict[str, Any]:
    """The negotiation as returned by `GET /negotiations/:pid` and as the ACK of an initiating message."""
    message = _message("ContractNegotiation", providerPid=provider_pid, consumerPid=consumer_pid)
    message["state"] = NegotiationState(state).value
    return _checked(message)


def contract_negotiation_error(
    *, provider_pid: str, consumer_pid: str, code: str | None = None, reasons: Sequence[str] = ()
) -> dict[str, Any]:
    """The error body of a refused negotiation message (HTTP 400 for a state the protocol does not allow)."""
    message = _message("ContractNegotiationError", providerPid=provider_pid, consumerPid=consumer_pid)
    return _checked(_put(message, code=code, reason=list(reasons) or None))


def _message(kind: str, **pids: str | None) -> dict[str, Any]:
    return _put({"@context": [DSP_CONTEXT], "@type": kind}, **pids)


def _put(message: dict[str, Any], **values: Any) -> dict[str, Any]:
    message.update((key, value) for key, value in values.items() if value is not None)
    return message


def _message_offer(offer: Mapping[str, Any]) -> dict[str, Any]:
    shaped = dsp_offer(offer)
    if "target" not in shaped:
        raise MessageError("$.offer.target", "an offer in a negotiation message names its dataset as target")
    return shaped


def _exactly_one(**values: str | None) -> None:
    given = [name for name, value in values.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(values)
        raise MessageError("$", f"give exactly one of {names} (initiating vs. continuing a negotiation)")


def _checked(message: dict[str, Any]) -> dict[str, Any]:
    validate_message(message)
    return message
