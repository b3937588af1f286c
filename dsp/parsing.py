"""Reading the DSP messages the node accepts into plain, immutable dataclasses.

`parse_message` validates first (MessageError names the JSON path of the first problem), then picks
out what the services need. Policies stay JSON (`policy.parse_policy` reads them) so nothing the other
party sent is lost on the way to the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from dsp.negotiation import NegotiationMessage, NegotiationState
from dsp.validate import MessageError, infer_kind, validate_message


@dataclass(frozen=True)
class ContractRequest:
    """A consumer's request; `provider_pid` is None when it starts a negotiation."""

    consumer_pid: str
    offer: Mapping[str, Any]
    provider_pid: str | None = None
    callback_address: str | None = None
    transition: ClassVar[NegotiationMessage] = NegotiationMessage.REQUEST

    @property
    def offer_id(self) -> str:
        """The identifier of the offer the consumer refers to (normally one from the catalog)."""
        return str(self.offer["@id"])

    @property
    def target(self) -> str | None:
        """The dataset the offer is for."""
        target = self.offer.get("target")
        return None if target is None else str(target)


@dataclass(frozen=True)
class ContractOffer:
    """A provider's offer; `consumer_pid` is None when it starts a negotiation."""

    provider_pid: str
    offer: Mapping[str, Any]
    consumer_pid: str | None = None
    callback_address: str | None = None
    transition: ClassVar[NegotiationMessage] = NegotiationMessage.OFFER


@dataclass(frozen=True)
class ContractAgreement:
    """The provider's agreement, an ODRL Agreement with target, assigner, assignee and timestamp."""

    provider_pid: str
    consumer_pid: str
    agreement: Mapping[str, Any]
    transition: ClassVar[NegotiationMessage] = NegotiationMessage.AGREEMENT


@dataclass(frozen=True)
class AgreementVerification:
    """The consumer's verification of the agreement."""

    provider_pid: str
    consumer_pid: str
    transition: ClassVar[NegotiationMessage] = NegotiationMessage.VERIFICATION


@dataclass(frozen=True)
class NegotiationEvent:
    """ACCEPTED from the consumer or FINALIZED from the provider."""

    provider_pid: str
    consumer_pid: str
    event_type: str

    @property
    def transition(self) -> NegotiationMessage:
        """The state machine's name for this event."""
        return NegotiationMessage(f"ContractNegotiationEventMessage:{self.event_type}")


@dataclass(frozen=True)
class NegotiationTermination:
    """Either party ending the negotiation, with an optional code and reasons."""

    provider_pid: str
    consumer_pid: str
    code: str | None = None
    reasons: tuple[Any, ...] = ()
    transition: ClassVar[NegotiationMessage] = NegotiationMessage.TERMINATION


@dataclass(frozen=True)
class NegotiationSnapshot:
    """The other party's view of a negotiation (its ACK or a `GET /negotiations/:pid`)."""

    provider_pid: str
    consumer_pid: str
    state: NegotiationState


@dataclass(frozen=True)
class NegotiationErrorReport:
    """The other party's ContractNegotiationError."""

    provider_pid: str
    consumer_pid: str
    code: str | None = None
    reasons: tuple[Any, ...] = ()


@dataclass(frozen=True)
class CatalogRequest:
    """A catalog request with its (implementation-specific) filter expressions."""

    filters: tuple[Any, ...] = ()


@dataclass(frozen=True)
class DatasetRequest:
    """A request for one dataset."""

    dataset_id: str


ParsedMessage = (
    ContractRequest
    | ContractOffer
    | ContractAgreement
    | AgreementVerification
    | NegotiationEvent
    | NegotiationTermination
    | NegotiationSnapshot
    | NegotiationErrorReport
    | CatalogRequest
    | DatasetRequest
)


def parse_message(message: Any, expected: str | None = None) -> ParsedMessage:
    """The message as a dataclass, after validating it; `expected` refuses any other `@type`."""
    kind = infer_kind(message)
    if expected is not None and kind != expected:
        raise MessageError("$['@type']", f"expected {expected} here, got {kind}", kind)
    validate_message(message, kind)
    reader = _READERS.get(kind)
    if reader is None:
        raise MessageError("$['@type']", f"the node does not accept {kind} messages", kind)
    return reader(message)


def _pids(message: Mapping[str, Any]) -> dict[str, str]:
    return {"provider_pid": message["providerPid"], "consumer_pid": message["consumerPid"]}


_READERS: Mapping[str, Callable[[Mapping[str, Any]], ParsedMessage]] = {
    "ContractRequestMessage": lambda m: ContractRequest(
        consumer_pid=m["consumerPid"],
        offer=m["offer"],
        provider_pid=m.get("providerPid"),
        callback_address=m.get("callbackAddress"),
    ),
    "ContractOfferMessage": lambda m: ContractOffer(
        provider_pid=m["providerPid"],
        offer=m["offer"],
        consumer_pid=m.get("consumerPid"),
        callback_address=m.get("callbackAddress"),
    ),
    "ContractAgreementMessage": lambda m: ContractAgreement(**_pids(m), agreement=m["agreement"]),
    "ContractAgreementVerificationMessage": lambda m: AgreementVerification(**_pids(m)),
    "ContractNegotiationEventMessage": lambda m: NegotiationEvent(**_pids(m), event_type=m["eventType"]),
    "ContractNegotiationTerminationMessage": lambda m: NegotiationTermination(
        **_pids(m), code=m.get("code"), reasons=tuple(m.get("reason", ()))
    ),
    "ContractNegotiation": lambda m: NegotiationSnapshot(**_pids(m), state=NegotiationState(m["state"])),
    "ContractNegotiationError": lambda m: NegotiationErrorReport(
        **_pids(m), code=m.get("code"), reasons=tuple(m.get("reason", ()))
    ),
    "CatalogRequestMessage": lambda m: CatalogRequest(filters=tuple(m.get("filter", ()))),
    "DatasetRequestMessage": lambda m: DatasetRequest(dataset_id=m["dataset"]),
}
