"""The provider's messages to a remote consumer's connector, sent once their transaction has committed.

The negotiation services note every message the provider sends on a negotiation that has a callback
address (`session.info[DSP_OUTBOX]`). Just before the transaction commits, the outbox turns each note
into its DSP message (offer, agreement, FINALIZED event, termination) and checks it against its schema;
after the commit it POSTs them in order to `<callbackAddress>/negotiations/<consumerPid>/<offers|
agreement|events|termination>` with `requests` (10 s timeout, one retry after a network error or a
5xx answer), before the request that made them is answered: the agreement on an automatically
approved offer reaches the callback before the 201 answer to the initiating request. A rolled-back
transaction sends nothing. Delivery is not queued: a message that cannot be built or delivered is
logged, and the consumer's connector can GET the negotiation to catch up.

Callback addresses on loopback, private, link-local or other non-public networks are refused, when a
request names one and again before each delivery, unless the setting DSP_CALLBACK_ALLOW_PRIVATE is on.
"""

from __future__ import annotations

import copy
import ipaddress
import logging
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from flask import Flask
from sqlmodel import Session

from dsp import (
    MessageError,
    NegotiationMessage,
    contract_agreement_message,
    contract_offer_message,
    negotiation_event_message,
    termination_message,
    validate_message,
)

from ..node import contract_context
from ..services import agreements, negotiations, offers
from ..services.actors import Actor
from ..services.negotiations import DSP_OUTBOX
from ..services.offers import party_iri
from .offer_terms import refusal

log = logging.getLogger(__name__)

PREPARED = "dxnode.dsp_prepared"
"""Session key: the deliveries built from the outbox, waiting for the commit."""
TIMEOUT = 10.0
ATTEMPTS = 2
M = NegotiationMessage
PATHS = {
    M.OFFER: "offers",
    M.AGREEMENT: "agreement",
    M.FINALIZED_EVENT: "events",
    M.TERMINATION: "termination",
}


@dataclass(frozen=True)
class Delivery:
    """One message for one consumer's callback address."""

    callback_address: str
    url: str
    message: dict[str, Any]


class Outbox:
    """Session hooks: build the noted messages before the commit, deliver them after it."""

    def __init__(self, app: Flask) -> None:
        self._config = app.config

    def before_commit(self, session: Session) -> None:
        """Build (and validate) the messages the transaction's notes ask for, while the rows are at hand."""
        if session.in_nested_transaction() or DSP_OUTBOX not in session.info:
            return
        prepared = session.info.setdefault(PREPARED, [])
        for negotiation_id, name in session.info.pop(DSP_OUTBOX):
            try:
                prepared.append(build(session, negotiation_id, NegotiationMessage(name)))
            except MessageError as error:
                log.error("DSP %s for negotiation %s not sent: %s", name, negotiation_id, error)

    def after_commit(self, session: Session) -> None:
        """Deliver what the committed transaction sends."""
        if session.in_nested_transaction():
            return
        for delivery in session.info.pop(PREPARED, ()):
            deliver(delivery, allow_private=bool(self._config["DSP_CALLBACK_ALLOW_PRIVATE"]))

    def on_rollback(self, session: Session) -> None:
        """A rolled-back transaction sent nothing."""
        session.info.pop(DSP_OUTBOX, None)
        session.info.pop(PREPARED, None)


def build(session: Session, negotiation_id: str, message: NegotiationMessage) -> Delivery:
    """The DSP message the provider sends for `message` on the negotiation, as it stands now."""
    node, ctx = Actor.node(), contract_context()
    negotiation = negotiations.get_negotiation(session, node, negotiation_id, ctx)
    assert negotiation.callback_address is not None
    pids = {"provider_pid": f"urn:uuid:{negotiation.id}", "consumer_pid": negotiation.consumer_pid}
    if message is M.OFFER:
        offer = offers.get_offer(session, node, negotiation.offer_id)
        terms = counter_offer(offer.policy, negotiation.purpose, negotiation.validity_days)
        body = contract_offer_message(**pids, offer=terms)
    elif message is M.AGREEMENT:
        agreement_id = negotiations.to_output(session, negotiation)["agreement_id"]
        agreement = agreements.get_agreement(session, node, agreement_id, ctx)
        body = contract_agreement_message(
            **pids,
            policy=agreement.policy,
            agreement_id=f"urn:uuid:{agreement.id}",
            target=str(agreement.policy["target"]),
            assigner=party_iri(agreement.provider_org_id),
            assignee=party_iri(agreement.consumer_org_id),
            timestamp=agreement.valid_from,
        )
    elif message is M.FINALIZED_EVENT:
        body = negotiation_event_message(**pids, event_type="FINALIZED")
    elif message is M.TERMINATION:
        body = termination_message(**pids, reasons=[negotiation.reason] if negotiation.reason else [])
    else:
        raise MessageError("$['@type']", f"the provider does not send {message.value}")
    validate_message(body)
    consumer_pid = quote(negotiation.consumer_pid, safe=":@")
    url = f"{negotiation.callback_address.rstrip('/')}/negotiations/{consumer_pid}/{PATHS[message]}"
    return Delivery(negotiation.callback_address, url, body)


def counter_offer(policy: Mapping[str, Any], purpose: str, days: int) -> dict[str, Any]:
    """The provider's offer back: its policy, with the negotiation's purpose (if it restricts purposes)
    and a term of `days`, under a new identifier (each offer in a negotiation is a new one)."""
    offered = copy.deepcopy(dict(policy))
    offered["@id"] = f"urn:uuid:{uuid.uuid4()}"
    for rule in offered.get("permission") or []:
        constraints = rule.get("constraint") or []
        has_purpose = any(str(c.get("leftOperand")).endswith("purpose") for c in constraints)
        kept = [c for c in constraints if not str(c.get("leftOperand")).endswith(("purpose", "elapsedTime"))]
        if has_purpose:
            kept.append({"leftOperand": "purpose", "operator": "eq", "rightOperand": purpose})
        term = {"@value": f"P{days}D", "@type": "xsd:duration"}
        kept.append({"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": term})
        rule["constraint"] = kept
    return offered


def deliver(delivery: Delivery, *, allow_private: bool) -> bool:
    """POST one message to the consumer's connector; whether it took it (2xx)."""
    kind = delivery.message["@type"]
    refused = unreachable(delivery.callback_address, allow_private)
    if refused is not None:
        log.error("DSP %s to %s not sent: callbackAddress %s", kind, delivery.url, refused)
        return False
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = requests.post(
                delivery.url, json=delivery.message, timeout=TIMEOUT, allow_redirects=False
            )
        except requests.RequestException as error:
            outcome = f"{type(error).__name__}: {error}"
        else:
            if response.status_code < 300:
                return True
            outcome = f"HTTP {response.status_code}"
            if response.status_code < 500:
                break  # the connector refused the message: asking again would not change its mind
        log.warning("DSP %s to %s, attempt %d of %d: %s", kind, delivery.url, attempt, ATTEMPTS, outcome)
    log.error("DSP %s to %s not delivered: %s", kind, delivery.url, outcome)
    return False


def check_callback_address(address: str | None, allow_private: bool) -> None:
    """Refuse (400 naming callbackAddress) an address the node cannot or may not post to."""
    refused = unreachable(address or "", allow_private)
    if refused is not None:
        raise refusal("callbackAddress", refused)


def unreachable(address: str, allow_private: bool) -> str | None:
    """Why the node will not post to `address`, or None when it will."""
    try:
        parts = urlsplit(address)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "must be an https:// (or http://) URL with a host"
    if allow_private:
        return None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return f"names a host that does not resolve: {parts.hostname}"
    for *_, sockaddr in found:
        address_ = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if isinstance(address_, ipaddress.IPv6Address) and address_.ipv4_mapped is not None:
            address_ = address_.ipv4_mapped
        if not address_.is_global or address_.is_multicast:
            return (
                f"is on a loopback, private or link-local network ({address_}), where the node does not post"
            )
    return None
