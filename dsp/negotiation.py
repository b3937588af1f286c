"""The contract negotiation state machine of the Dataspace Protocol 2025-1, as data.

Each transition says which party sends which message in which state, the state it leads to, and the
endpoint that receives it. The table follows the 2025-1 diagram (which, unlike 2024-1, also lets the
provider terminate in ACCEPTED and VERIFIED); FINALIZED and TERMINATED are terminal. A negotiation that
does not exist yet has the state None: only an initiating request (consumer) or offer (provider) starts one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class NegotiationState(StrEnum):
    """The states of a contract negotiation, spelled as on the wire."""

    REQUESTED = "REQUESTED"
    OFFERED = "OFFERED"
    ACCEPTED = "ACCEPTED"
    AGREED = "AGREED"
    VERIFIED = "VERIFIED"
    FINALIZED = "FINALIZED"
    TERMINATED = "TERMINATED"


class Role(StrEnum):
    """Who sends a message."""

    CONSUMER = "consumer"
    PROVIDER = "provider"


class NegotiationMessage(StrEnum):
    """The messages that move a negotiation; the event message counts once per event type."""

    REQUEST = "ContractRequestMessage"
    OFFER = "ContractOfferMessage"
    AGREEMENT = "ContractAgreementMessage"
    VERIFICATION = "ContractAgreementVerificationMessage"
    ACCEPTED_EVENT = "ContractNegotiationEventMessage:ACCEPTED"
    FINALIZED_EVENT = "ContractNegotiationEventMessage:FINALIZED"
    TERMINATION = "ContractNegotiationTerminationMessage"


TERMINAL_STATES = frozenset({NegotiationState.FINALIZED, NegotiationState.TERMINATED})

_RECEIVING_ENDPOINTS: Mapping[tuple[NegotiationMessage, bool], str] = {
    (NegotiationMessage.REQUEST, True): "POST /negotiations/request",
    (NegotiationMessage.REQUEST, False): "POST /negotiations/:providerPid/request",
    (NegotiationMessage.OFFER, True): "POST /negotiations/offers",
    (NegotiationMessage.OFFER, False): "POST <callback>/negotiations/:consumerPid/offers",
    (NegotiationMessage.AGREEMENT, False): "POST <callback>/negotiations/:consumerPid/agreement",
    (NegotiationMessage.VERIFICATION, False): "POST /negotiations/:providerPid/agreement/verification",
    (NegotiationMessage.ACCEPTED_EVENT, False): "POST /negotiations/:providerPid/events",
    (NegotiationMessage.FINALIZED_EVENT, False): "POST <callback>/negotiations/:consumerPid/events",
}


@dataclass(frozen=True)
class Transition:
    """`sender` may send `message` in state `source` (None: no negotiation yet), which leads to `target`."""

    source: NegotiationState | None
    message: NegotiationMessage
    sender: Role
    target: NegotiationState

    @property
    def endpoint(self) -> str:
        """The HTTPS binding's endpoint that receives the message, e.g. `POST /negotiations/request`."""
        if self.message is NegotiationMessage.TERMINATION:
            if self.sender is Role.CONSUMER:
                return "POST /negotiations/:providerPid/termination"
            return "POST <callback>/negotiations/:consumerPid/termination"
        return _RECEIVING_ENDPOINTS[(self.message, self.source is None)]

    def as_dict(self) -> dict[str, str | None]:
        """The transition as JSON, e.g. for the `allowed` member of a 409 Problem Details answer."""
        return {
            "from": None if self.source is None else self.source.value,
            "message": self.message.value,
            "sender": self.sender.value,
            "to": self.target.value,
            "endpoint": self.endpoint,
        }

    def __str__(self) -> str:
        return f"{self.message.value} by the {self.sender.value} (-> {self.target.value})"


def _transitions() -> tuple[Transition, ...]:
    s, m, c, p = NegotiationState, NegotiationMessage, Role.CONSUMER, Role.PROVIDER
    table: list[tuple[NegotiationState | None, NegotiationMessage, tuple[Role, ...], NegotiationState]] = [
        (None, m.REQUEST, (c,), s.REQUESTED),
        (None, m.OFFER, (p,), s.OFFERED),
        (s.REQUESTED, m.OFFER, (p,), s.OFFERED),
        (s.REQUESTED, m.AGREEMENT, (p,), s.AGREED),
        (s.REQUESTED, m.TERMINATION, (c, p), s.TERMINATED),
        (s.OFFERED, m.REQUEST, (c,), s.REQUESTED),
        (s.OFFERED, m.ACCEPTED_EVENT, (c,), s.ACCEPTED),
        (s.OFFERED, m.TERMINATION, (c, p), s.TERMINATED),
        (s.ACCEPTED, m.AGREEMENT, (p,), s.AGREED),
        (s.ACCEPTED, m.TERMINATION, (p,), s.TERMINATED),
        (s.AGREED, m.VERIFICATION, (c,), s.VERIFIED),
        (s.AGREED, m.TERMINATION, (c,), s.TERMINATED),
        (s.VERIFIED, m.FINALIZED_EVENT, (p,), s.FINALIZED),
        (s.VERIFIED, m.TERMINATION, (p,), s.TERMINATED),
    ]
    return tuple(
        Transition(source, message, sender, target)
        for source, message, senders, target in table
        for sender in senders
    )


TRANSITIONS: tuple[Transition, ...] = _transitions()
"""Every allowed transition; anything else is refused."""


class TransitionError(Exception):
    """A message that the protocol does not allow in the negotiation's state; `allowed` lists what is."""

    def __init__(
        self,
        state: NegotiationState | None,
        message: NegotiationMessage,
        sender: Role,
        allowed: tuple[Transition, ...],
    ) -> None:
        self.state = state
        self.message = message
        self.sender = sender
        self.allowed = allowed
        where = f"in state {state.value}" if state is not None else "to start a negotiation"
        options = "; ".join(map(str, allowed)) if allowed else "nothing (the state is terminal)"
        super().__init__(f"{message.value} by the {sender.value} is not allowed {where}; allowed: {options}")


def allowed_transitions(
    state: NegotiationState | str | None, role: Role | str | None = None
) -> tuple[Transition, ...]:
    """The transitions out of `state` (None: none yet), only those `role` may send if it is given."""
    source = None if state is None else NegotiationState(state)
    sender = None if role is None else Role(role)
    return tuple(
        transition
        for transition in TRANSITIONS
        if transition.source == source and (sender is None or transition.sender == sender)
    )


def next_state(
    state: NegotiationState | str | None, message_type: NegotiationMessage | str, sender_role: Role | str
) -> NegotiationState:
    """The state after `sender_role` sends `message_type` in `state`; TransitionError when not allowed."""
    source = None if state is None else NegotiationState(state)
    message = _message(message_type)
    sender = Role(sender_role)
    for transition in allowed_transitions(source, sender):
        if transition.message is message:
            return transition.target
    raise TransitionError(source, message, sender, allowed_transitions(source))


def message_kind(message: Mapping[str, Any]) -> NegotiationMessage:
    """Which transition a (valid) DSP message asks for: its `@type`, with the event type for events."""
    kind = message.get("@type")
    if kind == "ContractNegotiationEventMessage":
        return _message(f"{kind}:{message.get('eventType')}")
    return _message(str(kind))


def is_terminal(state: NegotiationState | str) -> bool:
    """Whether nothing can happen to a negotiation in `state` any more."""
    return NegotiationState(state) in TERMINAL_STATES


def _message(name: NegotiationMessage | str) -> NegotiationMessage:
    try:
        return NegotiationMessage(name)
    except ValueError:
        known = ", ".join(message.value for message in NegotiationMessage)
        raise ValueError(f"{name!r} is not a negotiation message; expected one of {known}") from None
