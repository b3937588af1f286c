"""Validating Dataspace Protocol 2025-1 messages against the official JSON schemas, offline.

The schemas are the copies in `dsp/schemas/` (see `dsp/README.md`). They reference each other by their
`https://w3id.org/dspace/2025/1/...` identifiers; a `referencing` registry built from the local files
resolves those, and a reference to anything else fails instead of being fetched.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMA_BASE = "https://w3id.org/dspace/2025/1/"

SCHEMA_FILES: Mapping[str, str] = {
    "ContractRequestMessage": "negotiation/contract-request-message-schema.json",
    "ContractOfferMessage": "negotiation/contract-offer-message-schema.json",
    "ContractAgreementMessage": "negotiation/contract-agreement-message-schema.json",
    "ContractAgreementVerificationMessage": "negotiation/contract-agreement-verification-message-schema.json",
    "ContractNegotiationEventMessage": "negotiation/contract-negotiation-event-message-schema.json",
    "ContractNegotiationTerminationMessage": (
        "negotiation/contract-negotiation-termination-message-schema.json"
    ),
    "ContractNegotiation": "negotiation/contract-negotiation-schema.json",
    "ContractNegotiationError": "negotiation/contract-negotiation-error-schema.json",
    "CatalogRequestMessage": "catalog/catalog-request-message-schema.json",
    "DatasetRequestMessage": "catalog/dataset-request-message-schema.json",
    "Catalog": "catalog/catalog-schema.json",
    "Dataset": "catalog/dataset-schema.json",
    "CatalogError": "catalog/catalog-error-schema.json",
    "TransferRequestMessage": "transfer/transfer-request-message-schema.json",
    "TransferStartMessage": "transfer/transfer-start-message-schema.json",
    "TransferSuspensionMessage": "transfer/transfer-suspension-message-schema.json",
    "TransferCompletionMessage": "transfer/transfer-completion-message-schema.json",
    "TransferTerminationMessage": "transfer/transfer-termination-message-schema.json",
    "TransferProcess": "transfer/transfer-process-schema.json",
    "TransferError": "transfer/transfer-error-schema.json",
    "VersionResponse": "common/protocol-version-schema.json",
    "DidService": "common/did-service-schema.json",
}
"""Every kind of document this library validates, and the schema that defines it."""

_LONGEST_REASON = 240


class MessageError(ValueError):
    """A document that is not a valid DSP message; `path` is a JSON path such as `$.offer['@id']`."""

    def __init__(
        self, path: str, reason: str, kind: str | None = None, problems: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.path = path
        self.reason = reason
        self.kind = kind
        self.problems = problems or ((path, reason),)
        super().__init__(f"{path}: {reason}")


def validate_message(message: Any, kind: str | None = None) -> None:
    """Check `message` against the schema of `kind` (default: its `@type`); MessageError says where."""
    kind = kind or infer_kind(message)
    errors = list(schema_validator(kind).iter_errors(message))
    if not errors:
        return
    errors.sort(key=lambda error: (list(map(str, error.absolute_path)), str(error.validator)))
    first = best_match(errors) or errors[0]
    deepest = [best_match([error]) or error for error in errors]  # into the branches of oneOf/anyOf
    problems = tuple((error.json_path, _reason(error)) for error in deepest)
    raise MessageError(first.json_path, _reason(first), kind, problems)


def infer_kind(message: Any) -> str:
    """The kind of a DSP document: its `@type`, or `VersionResponse` for the version document."""
    if not isinstance(message, Mapping):
        raise MessageError("$", f"a DSP message is a JSON object, not {type(message).__name__}")
    if "@type" not in message:
        if "protocolVersions" in message:
            return "VersionResponse"
        raise MessageError("$", "'@type' is a required property")
    kind = message["@type"]
    if not isinstance(kind, str) or kind not in SCHEMA_FILES:
        expected = ", ".join(sorted(SCHEMA_FILES))
        raise MessageError("$['@type']", f"unknown message type {kind!r}; expected one of {expected}")
    return kind


@functools.cache
def schema_validator(kind: str) -> Draft201909Validator:
    """A validator for one kind of document, resolving references only against the local copies."""
    if kind not in SCHEMA_FILES:
        raise ValueError(f"unknown DSP document kind {kind!r}; expected one of {', '.join(SCHEMA_FILES)}")
    schema = official_schemas()[SCHEMA_BASE + SCHEMA_FILES[kind]]
    return Draft201909Validator(schema, registry=_registry())


@functools.cache
def official_schemas() -> Mapping[str, Mapping[str, Any]]:
    """The local copies of the official schemas by their `$id`, each checked to sit at its `$id`'s path."""
    schemas: dict[str, Mapping[str, Any]] = {}
    for path in sorted(SCHEMA_DIR.glob("*/*-schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        expected = SCHEMA_BASE + path.relative_to(SCHEMA_DIR).as_posix()
        if schema.get("$id") != expected:
            raise RuntimeError(f"{path.name} declares $id {schema.get('$id')!r}, expected {expected!r}")
        schemas[expected] = schema
    return schemas


@functools.cache
def _registry() -> Registry[Any]:
    resources: Iterable[tuple[str, Resource[Any]]] = (
        (uri, Resource.from_contents(schema)) for uri, schema in official_schemas().items()
    )
    return Registry().with_resources(resources).crawl()


def _reason(error: ValidationError) -> str:
    if error.validator in ("oneOf", "anyOf") and isinstance(error.validator_value, list):
        options = "; ".join(_brief(option) for option in error.validator_value)
        quantity = "exactly one" if error.validator == "oneOf" else "at least one"
        found = (
            "it matches several" if error.validator == "oneOf" and not error.context else "it matches none"
        )
        return f"must match {quantity} of: {options} ({found})"
    if len(error.message) <= _LONGEST_REASON:
        return error.message
    return f"fails {error.validator} {_brief(error.validator_value)}"


def _brief(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."
