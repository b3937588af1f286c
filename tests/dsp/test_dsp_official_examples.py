"""The official 2025-1 examples and schemas: every example validates, and our copies are faithful."""

import json
from pathlib import Path

import pytest
from dsp_standards import EXAMPLES, SCHEMAS, STANDARD, load
from jsonschema import Draft201909Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from dsp import CONTEXT_FILES, MessageError, local_context, validate_message
from dsp.validate import SCHEMA_BASE, SCHEMA_DIR, official_schemas

# The DID service schema requires `serviceEndpoint` to end in `/catalog`, but the official Data Service
# example points at `/.well-known/dspace-version`: the example contradicts its own schema upstream.
INVALID_UPSTREAM = {"dataservice-did-service.json": "$.serviceEndpoint"}
FIXED_UPSTREAM = {
    "transfer-error-schema.json",
    "transfer-suspension-message-schema.json",
    "transfer-termination-message-schema.json",
}


def _kind(path: Path) -> str | None:
    return "DidService" if path.name.endswith("did-service.json") else None


def test_the_shared_standard_is_there() -> None:
    assert len(EXAMPLES) == 27
    assert len(SCHEMAS) == 26


@pytest.mark.parametrize(
    "path", [p for p in EXAMPLES if p.name not in INVALID_UPSTREAM], ids=lambda p: p.name
)
def test_every_official_example_validates(path: Path) -> None:
    validate_message(load(path), _kind(path))


@pytest.mark.parametrize("name", sorted(INVALID_UPSTREAM))
def test_the_example_that_contradicts_its_schema_fails_where_expected(name: str) -> None:
    (path,) = [p for p in EXAMPLES if p.name == name]
    with pytest.raises(MessageError) as caught:
        validate_message(load(path), _kind(path))
    assert caught.value.path == INVALID_UPSTREAM[name]
    assert "/catalog$" in caught.value.reason


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_each_local_schema_is_the_official_one(path: Path) -> None:
    local = SCHEMA_DIR / path.parent.name / path.name
    official, copy = path.read_text(encoding="utf-8"), local.read_text(encoding="utf-8")
    if path.name in FIXED_UPSTREAM:
        official = official.replace("transfer-schema.json#definitions/", "transfer-schema.json#/definitions/")
    assert json.loads(copy) == json.loads(official)


def test_every_local_schema_is_a_valid_draft_2019_09_schema() -> None:
    schemas = official_schemas()
    assert len(schemas) == len(SCHEMAS)
    for uri, schema in schemas.items():
        assert uri.startswith(SCHEMA_BASE)
        Draft201909Validator.check_schema(schema)


def test_the_upstream_transfer_references_cannot_be_resolved_without_the_fix() -> None:
    registry: Registry[object] = Registry().with_resources(
        (load(path)["$id"], Resource.from_contents(load(path))) for path in SCHEMAS
    )
    schema = load(STANDARD / "transfer" / "transfer-error-schema.json")
    validator = Draft201909Validator(schema, registry=registry)
    with pytest.raises(Unresolvable):
        validator.validate(load(STANDARD / "transfer" / "example" / "transfer-error.json"))


def test_the_local_contexts_are_the_official_ones() -> None:
    official = {
        "https://w3id.org/dspace/2025/1/context.jsonld": STANDARD / "context" / "dspace.jsonld",
        "https://w3id.org/dspace/2025/1/odrl-profile.jsonld": STANDARD / "context" / "odrl.jsonld",
    }
    assert set(CONTEXT_FILES) == set(official)
    for iri, path in official.items():
        assert local_context(iri) == load(path)
    with pytest.raises(LookupError, match="never fetched"):
        local_context("https://example.org/context.jsonld")
