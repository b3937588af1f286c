"""Tampered messages fail, and the error says where and why."""

import copy
import socket
from collections.abc import Callable
from typing import Any

import pytest
from dsp_standards import EXAMPLES, example, load

from dsp import MessageError, infer_kind, validate_message
from dsp.validate import _registry, schema_validator

Tamper = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Tamper:
    def tamper(message: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = message
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return tamper


def _delete(path: str) -> Tamper:
    def tamper(message: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = message
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]

    return tamper


CASES = [
    ("negotiation", "contract-request-message", _delete("consumerPid"), "$", "'consumerPid' is a required"),
    ("negotiation", "contract-request-message", _delete("offer/@id"), "$.offer", "'@id' is a required"),
    (
        "negotiation",
        "contract-request-message_initial",
        _set("providerPid", "urn:uuid:both"),
        "$",
        "exactly one",
    ),
    ("negotiation", "contract-offer-message", _delete("offer/target"), "$.offer", "'target' is a required"),
    (
        "negotiation",
        "contract-offer-message",
        _set("offer/permission/0/constraint/0/rightOperand", 100),
        "$.offer.permission[0].constraint[0].rightOperand",
        "",
    ),
    (
        "negotiation",
        "contract-offer-message",
        _set("offer/permission/0/constraint/0/operator", "approximately"),
        "$.offer.permission[0].constraint[0].operator",
        "is not one of",
    ),
    ("negotiation", "contract-offer-message", _set("offer/permission", []), "$.offer.permission", "empty"),
    (
        "negotiation",
        "contract-agreement-message",
        _set("agreement/timestamp", "1 January 2023"),
        "$.agreement.timestamp",
        "does not match",
    ),
    ("negotiation", "contract-agreement-message", _delete("agreement/assignee"), "$.agreement", "'assignee'"),
    (
        "negotiation",
        "contract-agreement-message",
        _set("agreement/@type", "Offer"),
        "$.agreement['@type']",
        "",
    ),
    ("negotiation", "contract-negotiation", _set("state", "dspace:REQUESTED"), "$.state", "is not one of"),
    ("negotiation", "contract-negotiation-event-message", _set("eventType", "REJECTED"), "$.eventType", ""),
    ("negotiation", "contract-negotiation-termination-message", _set("reason", []), "$.reason", "empty"),
    (
        "negotiation",
        "contract-agreement-verification-message",
        _set("@context", ["https://w3id.org/dspace/2024/1/context.json"]),
        "$['@context']",
        "does not contain",
    ),
    (
        "negotiation",
        "contract-negotiation-error",
        _set("providerPid", 7),
        "$.providerPid",
        "not of type 'string'",
    ),
    ("catalog", "catalog", _delete("participantId"), "$", "'participantId' is a required"),
    (
        "catalog",
        "catalog",
        _delete("dataset/0/distribution/0/format"),
        "$.dataset[0].distribution[0]",
        "'format' is a required",
    ),
    ("catalog", "dataset", _set("hasPolicy/0/target", "urn:uuid:x"), "$.hasPolicy[0]", ""),
    ("catalog", "dataset", _delete("hasPolicy"), "$", "'hasPolicy' is a required"),
    ("catalog", "dataset-request-message", _delete("dataset"), "$", "'dataset' is a required"),
    (
        "common",
        "protocol-version",
        _set("protocolVersions/0/binding", "MQTT"),
        "$.protocolVersions[0].binding",
        "",
    ),
]


@pytest.mark.parametrize(
    ("part", "name", "tamper", "path", "reason"), CASES, ids=[f"{c[1]}:{c[3]}" for c in CASES]
)
def test_a_tampered_message_fails_with_its_path(
    part: str, name: str, tamper: Tamper, path: str, reason: str
) -> None:
    message = copy.deepcopy(example(part, name))
    validate_message(message)
    tamper(message)
    with pytest.raises(MessageError) as caught:
        validate_message(message)
    assert caught.value.path == path, caught.value.problems
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}: ")
    assert (caught.value.path, caught.value.reason) in caught.value.problems


def test_the_kind_comes_from_the_type_and_unknown_types_are_named() -> None:
    assert infer_kind(example("catalog", "catalog")) == "Catalog"
    assert infer_kind(example("common", "protocol-version")) == "VersionResponse"
    with pytest.raises(MessageError, match=r"unknown message type 'dspace:ContractRequestMessage'") as caught:
        validate_message({"@type": "dspace:ContractRequestMessage"})
    assert caught.value.path == "$['@type']"
    with pytest.raises(MessageError, match="'@type' is a required property"):
        validate_message({"consumerPid": "urn:x"})
    with pytest.raises(MessageError, match="a DSP message is a JSON object, not list"):
        validate_message([])


def test_an_explicit_kind_is_checked_against_the_type() -> None:
    with pytest.raises(MessageError) as caught:
        validate_message(example("negotiation", "contract-request-message"), "ContractOfferMessage")
    assert caught.value.kind == "ContractOfferMessage"
    with pytest.raises(ValueError, match="unknown DSP document kind 'Banana'"):
        validate_message({}, "Banana")


def test_long_instances_do_not_flood_the_reason() -> None:
    message = example("negotiation", "contract-offer-message")
    message["offer"]["permission"][0]["constraint"][0] = {"leftOperand": "x" * 5000}
    with pytest.raises(MessageError) as caught:
        validate_message(message)
    assert all(len(reason) < 400 for _, reason in caught.value.problems)


def test_validation_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a schema reference went to the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    schema_validator.cache_clear()
    _registry.cache_clear()
    for path in EXAMPLES:
        if "did-service" not in path.name:
            validate_message(load(path))
