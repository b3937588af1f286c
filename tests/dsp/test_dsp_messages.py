"""What the node sends validates against the official schemas, and what it accepts is read back exactly."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from dsp_standards import example
from hypothesis import given, settings
from hypothesis import strategies as st

from dsp import (
    DSP_CONTEXT,
    AgreementVerification,
    CatalogRequest,
    ContractAgreement,
    ContractOffer,
    ContractRequest,
    DatasetRequest,
    MessageError,
    NegotiationErrorReport,
    NegotiationEvent,
    NegotiationMessage,
    NegotiationSnapshot,
    NegotiationState,
    NegotiationTermination,
    agreement_verification_message,
    catalog_document,
    catalog_error,
    catalog_request_message,
    contract_agreement_message,
    contract_negotiation,
    contract_negotiation_error,
    contract_offer_message,
    contract_request_message,
    dataset_document,
    dataset_request_message,
    dsp_offer,
    negotiation_event_message,
    parse_message,
    termination_message,
    validate_message,
    version_document,
    xsd_datetime,
)
from policy import parse_policy, to_jsonld

PROVIDER_PID = "urn:uuid:a343fcbf-99fc-4ce8-8e9b-148c97605aab"
CONSUMER_PID = "urn:uuid:32541fe6-c580-409e-85a8-8a9a32fbe833"
DATASET = "https://node.example/dataset/freight-volumes"
SERVICE = {
    "id": "urn:uuid:4aa2dcc8-4d2d-469e-9634-8394a8834d77",
    "endpoint_url": "https://node.example/dsp/2025-1",
}


def node_policy(**extra: Any) -> dict[str, Any]:
    """An offer as the node keeps it: compact ODRL with a uid and JSON numbers."""
    return {
        "@context": "http://www.w3.org/ns/odrl.jsonld",
        "@type": "Offer",
        "uid": "urn:uuid:6bcea82e-c509-443d-ba8c-8eef25984c07",
        "permission": [
            {
                "action": "use",
                "constraint": [
                    {"leftOperand": "purpose", "operator": "eq", "rightOperand": "insurance pricing"},
                    {"leftOperand": "count", "operator": "lteq", "rightOperand": 5000},
                    {
                        "or": [
                            {"leftOperand": "spatial", "operator": "eq", "rightOperand": "CN"},
                            {"leftOperand": "spatial", "operator": "eq", "rightOperand": "SG"},
                        ]
                    },
                ],
                "duty": [
                    {
                        "action": "compensate",
                        "constraint": [
                            {
                                "leftOperand": "payAmount",
                                "operator": "eq",
                                "rightOperand": Decimal("12000.00"),
                                "unit": "CNY",
                            }
                        ],
                    }
                ],
            }
        ],
        "prohibition": [{"action": "distribute"}],
        **extra,
    }


def test_a_negotiation_from_request_to_finalization_validates_and_reads_back() -> None:
    request = contract_request_message(
        consumer_pid=CONSUMER_PID,
        offer=node_policy(target=DATASET),
        callback_address="https://consumer.example/cb",
    )
    parsed_request = parse_message(request)
    assert parsed_request == ContractRequest(
        consumer_pid=CONSUMER_PID, offer=request["offer"], callback_address="https://consumer.example/cb"
    )
    assert parsed_request.offer_id == "urn:uuid:6bcea82e-c509-443d-ba8c-8eef25984c07"
    assert parsed_request.target == DATASET
    assert parsed_request.transition is NegotiationMessage.REQUEST

    pids = {"provider_pid": PROVIDER_PID, "consumer_pid": CONSUMER_PID}
    offer = contract_offer_message(**pids, offer=node_policy(target=DATASET))
    accepted = negotiation_event_message(**pids, event_type="ACCEPTED")
    agreement = contract_agreement_message(
        **pids,
        policy=node_policy(),
        agreement_id="urn:uuid:e8dc8655-44c2-46ef-b701-4cffdc2faa44",
        target=DATASET,
        assigner="urn:uuid:provider",
        assignee="urn:uuid:consumer",
        timestamp=datetime(2027, 1, 1, 8, 30, tzinfo=UTC),
    )
    verified = agreement_verification_message(**pids)
    finalized = negotiation_event_message(**pids, event_type="FINALIZED")
    assert parse_message(offer) == ContractOffer(PROVIDER_PID, offer["offer"], consumer_pid=CONSUMER_PID)
    assert parse_message(accepted) == NegotiationEvent(PROVIDER_PID, CONSUMER_PID, "ACCEPTED")
    assert (
        NegotiationEvent(PROVIDER_PID, CONSUMER_PID, "ACCEPTED").transition
        is NegotiationMessage.ACCEPTED_EVENT
    )
    assert parse_message(agreement) == ContractAgreement(PROVIDER_PID, CONSUMER_PID, agreement["agreement"])
    assert parse_message(verified) == AgreementVerification(PROVIDER_PID, CONSUMER_PID)
    assert parse_message(finalized) == NegotiationEvent(PROVIDER_PID, CONSUMER_PID, "FINALIZED")
    assert agreement["agreement"]["timestamp"] == "2027-01-01T08:30:00Z"
    assert agreement["agreement"]["assigner"] == "urn:uuid:provider"
    for message in (request, offer, accepted, agreement, verified, finalized):
        assert message["@context"] == [DSP_CONTEXT]
        validate_message(message)


def test_acks_terminations_and_errors_validate_and_read_back() -> None:
    pids = {"provider_pid": PROVIDER_PID, "consumer_pid": CONSUMER_PID}
    for state in NegotiationState:
        snapshot = contract_negotiation(**pids, state=state)
        assert parse_message(snapshot) == NegotiationSnapshot(PROVIDER_PID, CONSUMER_PID, state)
    ended = termination_message(**pids, code="LICENCE", reasons=["Licence model does not fit."])
    assert parse_message(ended) == NegotiationTermination(
        PROVIDER_PID, CONSUMER_PID, "LICENCE", ("Licence model does not fit.",)
    )
    assert "reason" not in termination_message(**pids)
    error = contract_negotiation_error(**pids, code="400", reasons=["not allowed in state FINALIZED"])
    assert parse_message(error) == NegotiationErrorReport(
        PROVIDER_PID, CONSUMER_PID, "400", ("not allowed in state FINALIZED",)
    )


def test_offers_and_agreements_take_the_dsp_shape() -> None:
    offer = dsp_offer(to_jsonld(parse_policy(node_policy())), target=DATASET)
    assert offer["@id"] == "urn:uuid:6bcea82e-c509-443d-ba8c-8eef25984c07"
    assert offer["@type"] == "Offer"
    assert "@context" not in offer
    assert "uid" not in offer
    constraints = offer["permission"][0]["constraint"]
    assert constraints[1]["rightOperand"] == {"@value": "5000", "@type": "xsd:integer"}
    duty = offer["permission"][0]["duty"][0]["constraint"][0]
    assert duty["rightOperand"] == {"@value": "12000.00", "@type": "xsd:decimal"}
    # what the evaluator reads from the DSP shape is what the node offered
    assert parse_policy(offer).permissions == parse_policy(node_policy()).permissions
    assert parse_policy(offer).prohibitions == parse_policy(node_policy()).prohibitions


@pytest.mark.parametrize(
    ("policy", "path", "reason"),
    [
        ({**node_policy(), "uid": None}, "offer['@id']", "needs an identifier"),
        ({"@type": "Offer", "uid": "urn:x", "obligation": [{"action": "pay"}]}, "offer", "at least one"),
        (
            {"@type": "Offer", "uid": "urn:x", "permission": [{"action": "use", "target": "urn:other"}]},
            "offer.permission[0].target",
            "forbids targets inside rules",
        ),
        (
            {
                "@type": "Offer",
                "uid": "urn:x",
                "permission": [{"action": {"rdf:value": {"@id": "odrl:print"}}}],
            },
            "offer.permission[0].action",
            "plain names",
        ),
        (
            {
                "@type": "Offer",
                "uid": "urn:x",
                "permission": [
                    {
                        "action": "use",
                        "constraint": [{"leftOperand": "count", "operator": "lteq", "rightOperand": 1.5}],
                    }
                ],
            },
            "offer.permission[0].constraint[0].rightOperand",
            "not binary floats",
        ),
        (
            {"@type": "Offer", "uid": "urn:x", "permission": [{"constraint": []}]},
            "offer.permission[0].action",
            "",
        ),
    ],
)
def test_policies_that_dsp_cannot_carry_are_refused(policy: dict[str, Any], path: str, reason: str) -> None:
    with pytest.raises(MessageError) as caught:
        dsp_offer(policy, target=DATASET)
    assert caught.value.path == path
    assert reason in caught.value.reason


def test_initiating_and_continuing_messages_need_exactly_one_address() -> None:
    offer = node_policy(target=DATASET)
    with pytest.raises(MessageError, match="exactly one of provider_pid or callback_address"):
        contract_request_message(consumer_pid=CONSUMER_PID, offer=offer)
    with pytest.raises(MessageError, match="exactly one"):
        contract_request_message(
            consumer_pid=CONSUMER_PID,
            offer=offer,
            provider_pid=PROVIDER_PID,
            callback_address="https://c.example",
        )
    with pytest.raises(MessageError, match="exactly one of consumer_pid or callback_address"):
        contract_offer_message(provider_pid=PROVIDER_PID, offer=offer)
    counter = contract_request_message(consumer_pid=CONSUMER_PID, offer=offer, provider_pid=PROVIDER_PID)
    assert "callbackAddress" not in counter
    initial_offer = contract_offer_message(
        provider_pid=PROVIDER_PID, offer=offer, callback_address="https://p.example"
    )
    assert "consumerPid" not in initial_offer


def test_message_offers_name_their_dataset_and_events_their_type() -> None:
    with pytest.raises(MessageError, match="names its dataset as target"):
        contract_offer_message(provider_pid=PROVIDER_PID, consumer_pid=CONSUMER_PID, offer=node_policy())
    with pytest.raises(MessageError, match="must be one of ACCEPTED, FINALIZED"):
        negotiation_event_message(provider_pid=PROVIDER_PID, consumer_pid=CONSUMER_PID, event_type="REJECTED")


def test_agreement_timestamps_are_utc_and_aware() -> None:
    beijing = timezone(timedelta(hours=8))
    assert xsd_datetime(datetime(2027, 1, 1, 16, 0, 0, 250000, tzinfo=beijing)) == "2027-01-01T08:00:00.25Z"
    with pytest.raises(MessageError, match="timezone-aware"):
        contract_agreement_message(
            provider_pid=PROVIDER_PID,
            consumer_pid=CONSUMER_PID,
            policy=node_policy(),
            agreement_id="urn:a",
            target=DATASET,
            assigner="urn:p",
            assignee="urn:c",
            timestamp=datetime(2027, 1, 1),  # naive on purpose
        )


def _dataset(**extra: Any) -> dict[str, Any]:
    return {
        "id": DATASET,
        "title": "Weekly freight volumes",
        "description": "Tonnage per corridor and week.",
        "keywords": ["logistics", "freight"],
        "distributions": [{"format": "text/csv", "access_service": SERVICE["id"], "id": "urn:uuid:dist-1"}],
        "offers": [node_policy()],
        **extra,
    }


def test_the_catalog_document_validates_with_and_without_datasets() -> None:
    catalog = catalog_document(
        catalog_id="urn:uuid:catalog",
        participant_id="urn:uuid:node",
        services=[SERVICE],
        datasets=[_dataset()],
    )
    validate_message(catalog)
    dataset = catalog["dataset"][0]
    assert dataset["dct:title"] == "Weekly freight volumes"
    assert dataset["dcat:keyword"] == ["logistics", "freight"]
    assert "target" not in dataset["hasPolicy"][0]
    assert dataset["distribution"][0] == {
        "@type": "Distribution",
        "format": "text/csv",
        "@id": "urn:uuid:dist-1",
        "accessService": SERVICE["id"],
    }
    empty = catalog_document(
        catalog_id="urn:uuid:c", participant_id="urn:uuid:node", services=[SERVICE], datasets=[]
    )
    assert "dataset" not in empty
    validate_message(empty)


def test_a_dataset_document_carries_its_data_service_and_offers_without_target() -> None:
    document = dataset_document(
        _dataset(
            offers=[node_policy(target=DATASET)],
            distributions=[{"format": "HttpData-PULL", "access_service": {**SERVICE, "description": "DSP"}}],
        )
    )
    validate_message(document)
    assert document["@context"] == [DSP_CONTEXT]
    assert document["distribution"][0]["accessService"]["endpointURL"] == SERVICE["endpoint_url"]
    assert "target" not in document["hasPolicy"][0]


@pytest.mark.parametrize(
    ("dataset", "path"),
    [
        (_dataset(offers=[]), "$.hasPolicy"),
        (_dataset(distributions=[]), "$.distribution"),
        (_dataset(id=""), "$.id"),
        (_dataset(distributions=[{"access_service": SERVICE["id"]}]), "$.distribution[0].format"),
        (_dataset(offers=[node_policy(target="https://elsewhere.example/d")]), "offer.target"),
    ],
)
def test_incomplete_datasets_are_refused_with_the_field(dataset: dict[str, Any], path: str) -> None:
    with pytest.raises(MessageError) as caught:
        dataset_document(dataset)
    assert caught.value.path == path


def test_a_catalog_names_at_least_one_service() -> None:
    with pytest.raises(MessageError, match="at least one data service"):
        catalog_document(catalog_id="urn:c", participant_id="urn:n", services=[], datasets=[])


def test_catalog_requests_errors_and_the_version_document() -> None:
    assert parse_message(catalog_request_message()) == CatalogRequest()
    assert parse_message(catalog_request_message(["title = 'x'"])) == CatalogRequest(("title = 'x'",))
    assert parse_message(dataset_request_message(DATASET)) == DatasetRequest(DATASET)
    assert parse_message(example("catalog", "dataset-request-message")) == DatasetRequest(
        "urn:uuid:3afeadd8-ed2d-569e-d634-8394a8836d57"
    )
    validate_message(catalog_error("404", ["No dataset with that identifier."]))
    assert catalog_error() == {"@context": [DSP_CONTEXT], "@type": "CatalogError"}
    assert version_document() == {
        "protocolVersions": [{"version": "2025-1", "path": "/dsp/2025-1", "binding": "HTTPS"}]
    }
    full = version_document(
        "/dsp/2025-1",
        service_id="urn:uuid:node",
        identifier_type="urn",
        auth={"protocol": "OAuth", "version": "2", "profile": ["client_credentials"]},
    )
    validate_message(full)


def test_parse_refuses_unexpected_and_unaccepted_messages() -> None:
    with pytest.raises(MessageError, match="expected ContractRequestMessage here, got ContractOfferMessage"):
        parse_message(example("negotiation", "contract-offer-message"), expected="ContractRequestMessage")
    with pytest.raises(MessageError, match="does not accept Catalog messages"):
        parse_message(example("catalog", "catalog"))
    broken = example("negotiation", "contract-agreement-verification-message")
    del broken["providerPid"]
    with pytest.raises(MessageError, match="'providerPid' is a required property"):
        parse_message(broken)


@pytest.mark.parametrize(
    "name",
    [
        "contract-request-message",
        "contract-request-message_initial",
        "contract-offer-message",
        "contract-offer-message_initial",
        "contract-agreement-message-full",
        "contract-agreement-verification-message",
        "contract-negotiation-event-message",
        "contract-negotiation-termination-message",
        "contract-negotiation",
        "contract-negotiation-error",
    ],
)
def test_every_official_negotiation_example_is_read(name: str) -> None:
    parsed = parse_message(example("negotiation", name))
    assert not isinstance(parsed, CatalogRequest | DatasetRequest)
    assert parsed.provider_pid in (PROVIDER_PID, None)
    assert parsed.consumer_pid in (CONSUMER_PID, None)


identifiers = st.text(min_size=1, max_size=60)


@settings(max_examples=30, deadline=None)
@given(provider_pid=identifiers, consumer_pid=identifiers, reasons=st.lists(st.text(max_size=80), max_size=3))
def test_builders_validate_for_any_identifiers_and_reasons(
    provider_pid: str, consumer_pid: str, reasons: list[str]
) -> None:
    pids = {"provider_pid": provider_pid, "consumer_pid": consumer_pid}
    for message in (
        termination_message(**pids, reasons=reasons),
        contract_negotiation_error(**pids, reasons=reasons),
        agreement_verification_message(**pids),
        contract_offer_message(**pids, offer=node_policy(target=DATASET)),
    ):
        validate_message(message)
        parsed = parse_message(message)
        assert not isinstance(parsed, CatalogRequest | DatasetRequest)
        assert parsed.provider_pid == provider_pid
