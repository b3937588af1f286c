"""The Dataspace Protocol 2025-1 endpoints, played from a consumer's connector.

The tests send DSP messages as a remote connector would, and run a fake of that connector's callback
endpoints on loopback to receive what the node sends back. Every message sent, answered or received
is checked against the official schemas.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from app.db import get_session
from app.node import contract_context
from app.services import negotiations
from app.services.actors import Actor
from app.services.negotiations import DSP_OUTBOX
from dsp import (
    agreement_verification_message,
    catalog_request_message,
    contract_request_message,
    negotiation_event_message,
    termination_message,
    validate_message,
)

from .conftest import BASE_URL
from .support.actions import bearer
from .support.catalog_data import create_dataset
from .support.contract_data import CONSUMER_SCOPES, create_offer, published_dataset
from .support.dsp_consumer import RemoteConsumerFake

DSP = "/dsp/2025-1"


@pytest.fixture
def settings(settings: dict[str, object]) -> dict[str, object]:
    """The consumer's connector runs on loopback here, so the node must be allowed to post there."""
    return {**settings, "DSP_CALLBACK_ALLOW_PRIVATE": True}


@pytest.fixture
def remote_consumer() -> Iterator[RemoteConsumerFake]:
    fake = RemoteConsumerFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def offer(flow, provider, ptoken):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-2")
    return create_offer(flow, ptoken, dataset_id)


def _post(flow, path: str, message: Any, token: str | None = None, *, valid: bool = True):
    if valid:
        validate_message(message)
    return flow.http.post(DSP + path, json=message, headers=bearer(token) if token else {})


def _get(flow, path: str, token: str | None = None):
    return flow.http.get(DSP + path, headers=bearer(token) if token else {})


def _answer(response, status: int, kind: str) -> dict[str, Any]:
    """The DSP body of an answer, after checking its status, media type and schema."""
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["@type"] == kind
    validate_message(body)
    return dict(body)


def _request(offer, callback: str | None, purpose: str | None = "academic research", **pids: str):
    rule: dict[str, Any] = {"action": "use"}
    if purpose is not None:
        rule["constraint"] = [{"leftOperand": "purpose", "operator": "eq", "rightOperand": purpose}]
    terms = {
        "@id": f"urn:uuid:{offer['id']}",
        "@type": "Offer",
        "target": offer["policy"]["target"],
        "permission": [rule],
    }
    consumer_pid = pids.pop("consumer_pid", f"urn:uuid:{uuid.uuid4()}")
    return contract_request_message(consumer_pid=consumer_pid, offer=terms, callback_address=callback, **pids)


def _start(flow, ctoken, offer, remote_consumer, **kwargs) -> dict[str, Any]:
    message = _request(offer, remote_consumer.callback_address, **kwargs)
    started = _answer(_post(flow, "/negotiations/request", message, ctoken), 201, "ContractNegotiation")
    assert started["consumerPid"] == message["consumerPid"]
    return started


def _api(flow, token, negotiation, step: str | None = None, **body):
    """The provider's side of the same negotiation, through the JSON API."""
    path = f"/api/v1/negotiations/{negotiation['providerPid'].removeprefix('urn:uuid:')}"
    if step is None:
        return flow.http.get(path, headers=bearer(token)).get_json()
    response = flow.http.post(f"{path}/{step}", headers=bearer(token), json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _pids(negotiation) -> dict[str, str]:
    return {"provider_pid": negotiation["providerPid"], "consumer_pid": negotiation["consumerPid"]}


def _received(remote_consumer, negotiation, endpoint: str) -> dict[str, Any]:
    """The one message the fake connector took at `endpoint` for the negotiation, valid by its schema."""
    found = [r for r in remote_consumer.received if r.endpoint == endpoint]
    assert len(found) == 1, remote_consumer.received
    assert found[0].consumer_pid == negotiation["consumerPid"]
    assert found[0].schema_error is None
    assert found[0].message["providerPid"] == negotiation["providerPid"]
    return found[0].message


# -- discovery and catalog ------------------------------------------------------------------------------


def test_version_document_names_the_2025_1_binding(client):
    body = client.get("/.well-known/dspace-version").get_json()
    validate_message(body, "VersionResponse")
    assert body["protocolVersions"] == [
        {
            "version": "2025-1",
            "path": DSP,
            "binding": "HTTPS",
            "serviceId": BASE_URL + DSP,
            "auth": {"protocol": "OAuth", "version": "2", "profile": ["client_credentials"]},
        }
    ]


def test_catalog_holds_published_datasets_with_active_offers(flow, provider, ptoken, ctoken, offer):
    published_dataset(flow, provider, ptoken)  # published, but offered to nobody
    catalog = _answer(_post(flow, "/catalog/request", catalog_request_message()), 200, "Catalog")
    assert catalog["participantId"] == BASE_URL
    assert catalog["service"] == [
        {"@id": BASE_URL + DSP, "@type": "DataService", "endpointURL": BASE_URL + DSP}
    ]
    [dataset] = catalog["dataset"]
    assert dataset["@id"] == offer["policy"]["target"]
    assert dataset["dct:title"].startswith("Air quality measurements")
    [policy] = dataset["hasPolicy"]
    assert policy["@id"] == f"urn:uuid:{offer['id']}"
    assert "target" not in policy
    assert {
        "leftOperand": "count",
        "operator": "lteq",
        "rightOperand": {"@value": "100", "@type": "xsd:integer"},
    } in (policy["permission"][0]["constraint"])
    [distribution] = dataset["distribution"]
    assert distribution["format"] == "text/csv"
    assert distribution["accessService"] == BASE_URL + DSP

    with_token = _post(flow, "/catalog/request", catalog_request_message(), ctoken)
    assert _answer(with_token, 200, "Catalog")["dataset"] == catalog["dataset"]
    forged = _post(flow, "/catalog/request", catalog_request_message(), "not-a-token")
    assert _answer(forged, 401, "CatalogError")["code"] == "unauthorized"


def test_withdrawn_offers_leave_the_catalog(flow, ptoken, offer):
    withdrawn = flow.http.post(f"/api/v1/offers/{offer['id']}/withdraw", headers=bearer(ptoken))
    assert withdrawn.status_code == 200
    catalog = _answer(_post(flow, "/catalog/request", catalog_request_message()), 200, "Catalog")
    assert "dataset" not in catalog


def test_catalog_pages_with_link_headers(flow, provider, ptoken):
    targets = [create_offer(flow, ptoken, published_dataset(flow, provider, ptoken))["policy"]["target"]]
    targets += [create_offer(flow, ptoken, published_dataset(flow, provider, ptoken))["policy"]["target"]]
    targets += [create_offer(flow, ptoken, published_dataset(flow, provider, ptoken))["policy"]["target"]]

    first = _post(flow, "/catalog/request?per_page=2", catalog_request_message())
    assert [d["@id"] for d in _answer(first, 200, "Catalog")["dataset"]] == targets[:2]
    assert first.headers["Link"] == f'<{BASE_URL}{DSP}/catalog/request?page=2&per_page=2>; rel="next"'
    second = _post(flow, "/catalog/request?page=2&per_page=2", catalog_request_message())
    assert [d["@id"] for d in _answer(second, 200, "Catalog")["dataset"]] == targets[2:]
    assert second.headers["Link"] == f'<{BASE_URL}{DSP}/catalog/request?page=1&per_page=2>; rel="previous"'
    everything = _post(flow, "/catalog/request", catalog_request_message())
    assert "Link" not in everything.headers

    bad_page = _post(flow, "/catalog/request?per_page=1000", catalog_request_message())
    assert "per_page" in _answer(bad_page, 400, "CatalogError")["reason"][0]


def test_catalog_refuses_filters_it_does_not_support(flow, offer):
    response = _post(flow, "/catalog/request", catalog_request_message([{"title": "air"}]))
    error = _answer(response, 400, "CatalogError")
    assert "filter" in error["reason"][0]


def test_dataset_by_id_or_iri_and_404_for_the_unoffered(flow, provider, ptoken, offer):
    dataset_id = offer["dataset_id"]
    by_id = _answer(_get(flow, f"/catalog/datasets/{dataset_id}"), 200, "Dataset")
    assert by_id["@id"] == offer["policy"]["target"]
    assert by_id["hasPolicy"][0]["@id"] == f"urn:uuid:{offer['id']}"
    by_iri = _get(flow, "/catalog/datasets/" + offer["policy"]["target"].replace("://", "%3A%2F%2F"))
    assert _answer(by_iri, 200, "Dataset") == by_id

    unknown = _answer(_get(flow, f"/catalog/datasets/{uuid.uuid4()}"), 404, "CatalogError")
    assert unknown["code"] == "not-found"
    not_offered = published_dataset(flow, provider, ptoken)
    _answer(_get(flow, f"/catalog/datasets/{not_offered}"), 404, "CatalogError")
    draft = create_dataset(flow, provider, ptoken)
    _answer(_get(flow, f"/catalog/datasets/{draft['id']}"), 404, "CatalogError")


# -- negotiation ----------------------------------------------------------------------------------------


def test_request_approval_agreement_verification_finalized(
    flow, provider, consumer, ptoken, ctoken, offer, remote_consumer
):
    started = _start(flow, ctoken, offer, remote_consumer)
    assert started["state"] == "REQUESTED"
    assert started["providerPid"].startswith("urn:uuid:")
    assert (
        _answer(_get(flow, f"/negotiations/{started['providerPid']}", ctoken), 200, "ContractNegotiation")
        == started
    )
    assert remote_consumer.received == []

    agreed = _api(flow, ptoken, started, "approve", reason="fits our licence")
    assert agreed["state"] == "AGREED"
    message = _received(remote_consumer, started, "agreement")
    assert message["@type"] == "ContractAgreementMessage"
    agreement = message["agreement"]
    assert agreement["@id"] == f"urn:uuid:{agreed['agreement_id']}"
    assert agreement["target"] == offer["policy"]["target"]
    assert agreement["assigner"] == f"urn:uuid:{provider.org.id}"
    assert agreement["assignee"] == f"urn:uuid:{consumer.org.id}"
    assert datetime.fromisoformat(agreement["timestamp"]).tzinfo is not None
    constraints = agreement["permission"][0]["constraint"]
    assert {"leftOperand": "purpose", "operator": "eq", "rightOperand": "academic research"} in constraints

    verified = _post(
        flow,
        f"/negotiations/{started['providerPid']}/agreement/verification",
        agreement_verification_message(**_pids(started)),
        ctoken,
    )
    assert _answer(verified, 200, "ContractNegotiation")["state"] == "FINALIZED"
    event = _received(remote_consumer, started, "events")
    assert event["@type"] == "ContractNegotiationEventMessage"
    assert event["eventType"] == "FINALIZED"
    in_force = flow.http.get(
        f"/api/v1/agreements/{agreed['agreement_id']}", headers=bearer(ctoken)
    ).get_json()
    assert in_force["status"] == "active"
    assert in_force["purpose"] == "academic research"
    assert {s["party"] for s in in_force["signatures"]} == {"provider", "consumer"}


def test_counter_offer_accepted_by_the_consumer(flow, ptoken, ctoken, offer, remote_consumer):
    started = _start(flow, ctoken, offer, remote_consumer)
    assert _api(flow, ptoken, started, "counter-offer", validity_days=30)["state"] == "OFFERED"
    message = _received(remote_consumer, started, "offers")
    assert message["@type"] == "ContractOfferMessage"
    counter = message["offer"]
    assert counter["target"] == offer["policy"]["target"]
    assert counter["@id"] != f"urn:uuid:{offer['id']}"
    constraints = counter["permission"][0]["constraint"]
    term = {
        "leftOperand": "elapsedTime",
        "operator": "lteq",
        "rightOperand": {"@value": "P30D", "@type": "xsd:duration"},
    }
    assert term in constraints
    assert {"leftOperand": "purpose", "operator": "eq", "rightOperand": "academic research"} in constraints

    accepted = _post(
        flow,
        f"/negotiations/{started['providerPid']}/events",
        negotiation_event_message(**_pids(started), event_type="ACCEPTED"),
        ctoken,
    )
    assert _answer(accepted, 200, "ContractNegotiation")["state"] == "AGREED"
    agreement = _received(remote_consumer, started, "agreement")["agreement"]
    verified = _post(
        flow,
        f"/negotiations/{started['providerPid']}/agreement/verification",
        agreement_verification_message(**_pids(started)),
        ctoken,
    )
    assert _answer(verified, 200, "ContractNegotiation")["state"] == "FINALIZED"
    assert _received(remote_consumer, started, "events")["eventType"] == "FINALIZED"

    agreement_id = agreement["@id"].removeprefix("urn:uuid:")
    in_force = flow.http.get(f"/api/v1/agreements/{agreement_id}", headers=bearer(ctoken)).get_json()
    term_days = datetime.fromisoformat(in_force["valid_until"]) - datetime.fromisoformat(
        in_force["valid_from"]
    )
    assert term_days == timedelta(days=30)


def test_counter_request_keeps_the_term_unless_it_asks_for_another(
    flow, ptoken, ctoken, offer, remote_consumer
):
    started = _start(flow, ctoken, offer, remote_consumer)
    _api(flow, ptoken, started, "counter-offer", validity_days=30)
    longer = _request(offer, None, **_pids(started))
    longer["offer"]["permission"][0]["constraint"].append(
        {"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": "P60D"}
    )
    answered = _post(flow, f"/negotiations/{started['providerPid']}/request", longer, ctoken)
    assert _answer(answered, 200, "ContractNegotiation")["state"] == "REQUESTED"
    assert _api(flow, ptoken, started)["validity_days"] == 60

    _api(flow, ptoken, started, "counter-offer", validity_days=45)
    same = _post(
        flow,
        f"/negotiations/{started['providerPid']}/request",
        _request(offer, None, **_pids(started)),
        ctoken,
    )
    assert _answer(same, 200, "ContractNegotiation")["state"] == "REQUESTED"
    assert _api(flow, ptoken, started)["validity_days"] == 45
    assert len(remote_consumer.messages("ContractOfferMessage")) == 2

    _api(flow, ptoken, started, "counter-offer", validity_days=45)
    other_purpose = _request(offer, None, purpose="insurance pricing", **_pids(started))
    refused = _post(flow, f"/negotiations/{started['providerPid']}/request", other_purpose, ctoken)
    assert "new negotiation" in _answer(refused, 400, "ContractNegotiationError")["reason"][0]


def test_consumer_terminates_with_its_reason(flow, ptoken, ctoken, offer, remote_consumer):
    started = _start(flow, ctoken, offer, remote_consumer)
    message = termination_message(**_pids(started), code="C-7", reasons=["budget withdrawn"])
    ended = _post(flow, f"/negotiations/{started['providerPid']}/termination", message, ctoken)
    assert _answer(ended, 200, "ContractNegotiation")["state"] == "TERMINATED"
    assert _api(flow, ptoken, started)["reason"] == "withdrawn by the consumer: [C-7] budget withdrawn"
    assert remote_consumer.received == []  # the consumer's own message is not echoed back

    again = _post(flow, f"/negotiations/{started['providerPid']}/termination", message, ctoken)
    error = _answer(again, 400, "ContractNegotiationError")
    assert "nothing (the state is terminal)" in error["reason"][0]


def test_provider_decline_reaches_the_consumer_as_termination(flow, ptoken, ctoken, offer, remote_consumer):
    started = _start(flow, ctoken, offer, remote_consumer)
    _api(flow, ptoken, started, "decline", reason="not for this sector")
    message = _received(remote_consumer, started, "termination")
    assert message["@type"] == "ContractNegotiationTerminationMessage"
    assert message["reason"] == ["declined by the provider: not for this sector"]


def test_automatic_offers_send_the_agreement_at_once(flow, provider, ptoken, ctoken, remote_consumer):
    dataset_id = published_dataset(flow, provider, ptoken, grade="general-1")
    automatic = create_offer(
        flow,
        ptoken,
        dataset_id,
        template="open-data-licence",
        pricing={"model": "free", "currency": "CNY"},
        approval="automatic",
        max_uses=None,
        purposes=[],
    )
    started = _start(flow, ctoken, automatic, remote_consumer, purpose=None)
    assert started["state"] == "AGREED"
    agreement = _received(remote_consumer, started, "agreement")["agreement"]
    assert agreement["target"] == automatic["policy"]["target"]


def test_a_transition_the_state_does_not_allow_names_what_is_allowed(flow, ctoken, offer, remote_consumer):
    started = _start(flow, ctoken, offer, remote_consumer)
    path = f"/negotiations/{started['providerPid']}"
    early = _post(
        flow, f"{path}/agreement/verification", agreement_verification_message(**_pids(started)), ctoken
    )
    error = _answer(early, 400, "ContractNegotiationError")
    assert (error["providerPid"], error["consumerPid"]) == (started["providerPid"], started["consumerPid"])
    assert error["code"] == "invalid-transition"
    assert error["reason"][0].startswith(
        "ContractAgreementVerificationMessage by the consumer is not allowed in state REQUESTED; allowed:"
    )
    termination = "ContractNegotiationTerminationMessage to POST /negotiations/:providerPid/termination"
    assert f"the consumer may send {termination}" in error["reason"]

    accepted = _post(
        flow, f"{path}/events", negotiation_event_message(**_pids(started), event_type="ACCEPTED"), ctoken
    )
    assert _answer(accepted, 400, "ContractNegotiationError")["code"] == "invalid-transition"
    finalized = _post(
        flow, f"{path}/events", negotiation_event_message(**_pids(started), event_type="FINALIZED"), ctoken
    )
    error = _answer(finalized, 400, "ContractNegotiationError")
    assert "FINALIZED by the consumer is not allowed" in error["reason"][0]
    assert _answer(_get(flow, path, ctoken), 200, "ContractNegotiation")["state"] == "REQUESTED"


def test_messages_failing_their_schema_or_naming_other_pids_are_refused(flow, ctoken, offer, remote_consumer):
    message = _request(offer, remote_consumer.callback_address)
    del message["consumerPid"]
    refused = _post(flow, "/negotiations/request", message, ctoken, valid=False)
    error = _answer(refused, 400, "ContractNegotiationError")
    assert error["code"] == "invalid-message"
    assert "'consumerPid' is a required property" in error["reason"][0]

    both = _request(offer, remote_consumer.callback_address)
    both["providerPid"] = "urn:uuid:made-up"
    assert _answer(
        _post(flow, "/negotiations/request", both, ctoken, valid=False), 400, "ContractNegotiationError"
    )

    started = _start(flow, ctoken, offer, remote_consumer)
    path = f"/negotiations/{started['providerPid']}"
    wrong_kind = termination_message(**_pids(started))
    error = _answer(_post(flow, f"{path}/events", wrong_kind, ctoken), 400, "ContractNegotiationError")
    assert "expected ContractNegotiationEventMessage" in error["reason"][0]
    other_pid = termination_message(provider_pid=started["providerPid"], consumer_pid="urn:uuid:someone-else")
    error = _answer(_post(flow, f"{path}/termination", other_pid, ctoken), 400, "ContractNegotiationError")
    assert error["reason"][0].startswith("consumerPid:")
    not_json = flow.http.post(DSP + f"{path}/termination", data="nonsense", headers=bearer(ctoken))
    assert _answer(not_json, 400, "ContractNegotiationError")["code"] == "invalid-message"
    assert _answer(_get(flow, path, ctoken), 200, "ContractNegotiation")["state"] == "REQUESTED"


def test_only_the_consumer_organisation_sees_its_negotiation(
    flow, provider, make_party, ctoken, offer, remote_consumer
):
    started = _start(flow, ctoken, offer, remote_consumer)
    path = f"/negotiations/{started['providerPid']}"
    stranger = flow.token(make_party("consumer", "admin", "buyer"), CONSUMER_SCOPES)
    the_provider = flow.token(provider, "access:request")
    for token in (stranger, the_provider):
        error = _answer(_get(flow, path, token), 404, "ContractNegotiationError")
        assert error["consumerPid"] == ""  # nothing about the negotiation leaks
        ended = _post(flow, f"{path}/termination", termination_message(**_pids(started)), token)
        _answer(ended, 404, "ContractNegotiationError")
    _answer(_get(flow, f"/negotiations/urn:uuid:{uuid.uuid4()}", ctoken), 404, "ContractNegotiationError")
    _answer(_get(flow, "/negotiations/not-a-pid", ctoken), 404, "ContractNegotiationError")
    _answer(_get(flow, path), 401, "ContractNegotiationError")
    assert _answer(_get(flow, path, ctoken), 200, "ContractNegotiation")["state"] == "REQUESTED"


def test_callbacks_on_loopback_are_refused_unless_allowed(app, flow, ptoken, ctoken, offer, remote_consumer):
    app.config["DSP_CALLBACK_ALLOW_PRIVATE"] = False
    message = _request(offer, remote_consumer.callback_address)
    error = _answer(_post(flow, "/negotiations/request", message, ctoken), 400, "ContractNegotiationError")
    assert error["reason"][0].startswith("callbackAddress: is on a loopback, private or link-local network")
    assert error["consumerPid"] == message["consumerPid"]
    link_local = _request(offer, "http://169.254.169.254/latest")
    _answer(_post(flow, "/negotiations/request", link_local, ctoken), 400, "ContractNegotiationError")
    not_http = _request(offer, "ftp://consumer.example/callback")
    _answer(_post(flow, "/negotiations/request", not_http, ctoken), 400, "ContractNegotiationError")
    listed = flow.http.get("/api/v1/negotiations?role=provider", headers=bearer(ptoken)).get_json()
    assert listed == []


def test_purposes_outside_the_offer_or_unstated_are_refused(flow, ctoken, offer, remote_consumer):
    elsewhere = _request(offer, remote_consumer.callback_address, purpose="direct marketing")
    error = _answer(_post(flow, "/negotiations/request", elsewhere, ctoken), 400, "ContractNegotiationError")
    assert error["code"] == "policy-denied"
    assert "purpose" in error["reason"][0]

    unstated = _request(offer, remote_consumer.callback_address, purpose=None)
    error = _answer(_post(flow, "/negotiations/request", unstated, ctoken), 400, "ContractNegotiationError")
    assert "state your purpose" in error["reason"][0]
    assert "academic research, insurance pricing" in error["reason"][0]


def test_unknown_offers_and_mismatched_targets_are_refused(flow, ctoken, offer, remote_consumer):
    unknown = _request({**offer, "id": str(uuid.uuid4())}, remote_consumer.callback_address)
    error = _answer(_post(flow, "/negotiations/request", unknown, ctoken), 400, "ContractNegotiationError")
    assert error["reason"][0].startswith("offer.@id:")
    elsewhere = _request(
        {**offer, "policy": {"target": f"{BASE_URL}/dataset/other"}}, remote_consumer.callback_address
    )
    error = _answer(_post(flow, "/negotiations/request", elsewhere, ctoken), 400, "ContractNegotiationError")
    assert error["reason"][0].startswith("offer.target:")


def test_delivery_is_tried_twice_and_never_undoes_the_step(flow, ptoken, ctoken, offer, remote_consumer):
    started = _start(flow, ctoken, offer, remote_consumer)
    remote_consumer.unavailable = 1
    _api(flow, ptoken, started, "counter-offer", validity_days=30)
    assert remote_consumer.attempts == 2
    _received(remote_consumer, started, "offers")

    remote_consumer.unavailable = 2
    terminated = _api(flow, ptoken, started, "decline", reason="changed our mind")
    assert terminated["state"] == "TERMINATED"
    assert remote_consumer.attempts == 4
    assert remote_consumer.messages("ContractNegotiationTerminationMessage") == []


def test_a_rolled_back_transaction_sends_nothing(app, flow, ctoken, offer, remote_consumer):
    started = _start(flow, ctoken, offer, remote_consumer)
    negotiation_id = started["providerPid"].removeprefix("urn:uuid:")
    with app.app_context():
        session = get_session()
        negotiations.decline(session, Actor.node(), negotiation_id, "a change of mind", contract_context())
        assert session.info[DSP_OUTBOX] == [(negotiation_id, "ContractNegotiationTerminationMessage")]
        session.rollback()
        assert DSP_OUTBOX not in session.info
        session.commit()
    assert remote_consumer.attempts == 0
    path = f"/negotiations/{started['providerPid']}"
    assert _answer(_get(flow, path, ctoken), 200, "ContractNegotiation")["state"] == "REQUESTED"
