"""The OpenAPI document describes the API truthfully: schemathesis fuzzes every operation against it."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.api.openapi import build_document

from .support.actions import bearer

# The document depends only on the routes, so it is built once, eagerly, from an app with no database.
_DOCUMENT = build_document(
    create_app({"SECRET_KEY": "docs", "DATABASE_URL": "sqlite://", "BASE_URL": "http://localhost"})
)
schema = schemathesis.openapi.from_dict(_DOCUMENT)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_document_is_openapi_3_1_and_served(client):
    served = client.get("/openapi.json").get_json()
    assert served["openapi"] == "3.1.0"
    assert served["paths"].keys() == _DOCUMENT["paths"].keys()
    operation = served["paths"]["/api/v1/organizations/{org_id}/clients"]["post"]
    assert operation["security"] == [{"oauth2": ["org:write"]}]
    assert {"201", "401", "403", "404", "422"} <= operation["responses"].keys()


@pytest.fixture
def operator_headers(flow, operator):
    return bearer(flow.token(operator, "org:read org:write operator"))


# Schemathesis cannot generate N-Triples bodies; the import endpoint is fuzzed with its other RDF media types.
@pytest.mark.filterwarnings("ignore:Skipped test cases with unsupported payload media types:UserWarning")
@schema.parametrize()
@hypothesis_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_documented(case, app, operator_headers):
    """No 5xx, no undocumented status code, bodies that match their schemas, with and without a token."""
    case.call_and_validate(app=app, headers=operator_headers, checks=CHECKS)
    case.call_and_validate(app=app, checks=CHECKS)
