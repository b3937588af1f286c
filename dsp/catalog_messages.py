"""The catalog side of the Dataspace Protocol 2025-1: catalog and dataset documents, and the version document.

The node answers `POST /dsp/2025-1/catalog/request` with `catalog_document(...)`,
`GET /dsp/2025-1/catalog/datasets/<id>` with `dataset_document(...)` and
`GET /.well-known/dspace-version` with `version_document(...)`. Inputs are plain dicts, so the
services can pass what they read from the database:

    dataset = {
        "id": "urn:uuid:...", "title": "Air quality 2025", "description": "...", "keywords": ["air"],
        "distributions": [{"format": "text/csv", "access_service": "urn:uuid:<service id>"}],
        "offers": [<ODRL policy with an @id or uid>],
    }
    service = {"id": "urn:uuid:...", "endpoint_url": "https://node.example/dsp/2025-1"}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dsp.messages import DSP_CONTEXT
from dsp.policies import catalog_offer
from dsp.validate import MessageError, validate_message

PROTOCOL_VERSION = "2025-1"
DEFAULT_PATH = "/dsp/2025-1"


def catalog_document(
    *,
    catalog_id: str,
    participant_id: str,
    services: Sequence[Mapping[str, Any]],
    datasets: Sequence[Mapping[str, Any]],
    title: str | None = None,
) -> dict[str, Any]:
    """The root Catalog: its data services and datasets (a catalog may have none) with their offers."""
    if not services:
        raise MessageError("$.service", "a catalog names at least one data service")
    document: dict[str, Any] = {
        "@context": [DSP_CONTEXT],
        "@id": catalog_id,
        "@type": "Catalog",
        "participantId": participant_id,
    }
    if title is not None:
        document["dct:title"] = title
    document["service"] = [_data_service(service, f"$.service[{i}]") for i, service in enumerate(services)]
    if datasets:
        document["dataset"] = [_dataset(dataset, f"$.dataset[{i}]") for i, dataset in enumerate(datasets)]
    validate_message(document)
    return document


def dataset_document(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """One Dataset as a root document, the answer to a dataset request."""
    document = {"@context": [DSP_CONTEXT], **_dataset(dataset, "$")}
    validate_message(document)
    return document


def catalog_request_message(filters: Sequence[Any] = ()) -> dict[str, Any]:
    """A catalog request, optionally with implementation-specific filter expressions."""
    message: dict[str, Any] = {"@context": [DSP_CONTEXT], "@type": "CatalogRequestMessage"}
    if filters:
        message["filter"] = list(filters)
    validate_message(message)
    return message


def dataset_request_message(dataset_id: str) -> dict[str, Any]:
    """A request for one dataset by its identifier."""
    message = {"@context": [DSP_CONTEXT], "@type": "DatasetRequestMessage", "dataset": dataset_id}
    validate_message(message)
    return message


def catalog_error(code: str | None = None, reasons: Sequence[str] = ()) -> dict[str, Any]:
    """The error body of a refused catalog or dataset request."""
    error: dict[str, Any] = {"@context": [DSP_CONTEXT], "@type": "CatalogError"}
    if code is not None:
        error["code"] = code
    if reasons:
        error["reason"] = list(reasons)
    validate_message(error)
    return error


def version_document(
    path: str = DEFAULT_PATH,
    *,
    service_id: str | None = None,
    identifier_type: str | None = None,
    auth: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The `/.well-known/dspace-version` answer: the 2025-1 HTTPS binding at `path` below the node's root."""
    version: dict[str, Any] = {"version": PROTOCOL_VERSION, "path": path, "binding": "HTTPS"}
    if service_id is not None:
        version["serviceId"] = service_id
    if identifier_type is not None:
        version["identifierType"] = identifier_type
    if auth is not None:
        version["auth"] = dict(auth)
    document = {"protocolVersions": [version]}
    validate_message(document, "VersionResponse")
    return document


def _dataset(dataset: Mapping[str, Any], path: str) -> dict[str, Any]:
    dataset_id = _text(dataset, "id", path)
    offers = dataset.get("offers") or []
    distributions = dataset.get("distributions") or []
    if not offers:
        raise MessageError(f"{path}.hasPolicy", "a dataset in a DSP catalog carries at least one offer")
    if not distributions:
        raise MessageError(f"{path}.distribution", "a dataset in a DSP catalog has at least one distribution")
    document: dict[str, Any] = {"@id": dataset_id, "@type": "Dataset"}
    _describe(document, dataset, path)
    document["hasPolicy"] = [catalog_offer(offer, dataset_id) for offer in offers]
    document["distribution"] = [
        _distribution(item, f"{path}.distribution[{i}]") for i, item in enumerate(distributions)
    ]
    return document


def _describe(document: dict[str, Any], source: Mapping[str, Any], path: str) -> None:
    for key, term in (("title", "dct:title"), ("description", "dct:description")):
        if source.get(key) is not None:
            document[term] = _text(source, key, path)
    keywords = source.get("keywords")
    if keywords:
        document["dcat:keyword"] = [str(keyword) for keyword in keywords]


def _distribution(distribution: Mapping[str, Any], path: str) -> dict[str, Any]:
    document: dict[str, Any] = {"@type": "Distribution", "format": _text(distribution, "format", path)}
    if distribution.get("id") is not None:
        document["@id"] = _text(distribution, "id", path)
    _describe(document, distribution, path)
    service = distribution.get("access_service")
    if isinstance(service, Mapping):
        document["accessService"] = _data_service(service, f"{path}.accessService")
    else:
        document["accessService"] = _text(distribution, "access_service", path)
    return document


def _data_service(service: Mapping[str, Any], path: str) -> dict[str, Any]:
    document = {
        "@id": _text(service, "id", path),
        "@type": "DataService",
        "endpointURL": _text(service, "endpoint_url", path),
    }
    if service.get("description") is not None:
        document["endpointDescription"] = _text(service, "description", path)
    return document


def _text(source: Mapping[str, Any], key: str, path: str) -> str:
    value = source.get(key)
    if not isinstance(value, str) or not value:
        raise MessageError(f"{path}.{key}", "is required and must be a non-empty string")
    return value
