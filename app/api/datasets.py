"""Datasets: search the public catalog, list and edit an organisation's datasets, move them through review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, request
from pydantic import BaseModel

from ..db import get_session
from ..schemas.catalog import (
    DataServiceIn,
    DataServiceOut,
    DatasetCreate,
    DatasetIn,
    DatasetOut,
    DatasetQuery,
    DistributionOut,
    GradeName,
    SearchResult,
    Transition,
)
from ..services import data_services, dataset_import, dataset_status, datasets, search
from ..services.actors import Actor
from ..services.dataset_bundles import distribution_output, load_bundles, to_output
from ..services.storage import Storage
from . import bp
from .operations import operation

TAG = "Datasets"


def _base() -> str:
    return str(current_app.config["BASE_URL"])


def _out(rows: list[Any]) -> list[dict[str, Any]]:
    return [to_output(b, _base()) for b in load_bundles(get_session(), rows)]


def _listify(value: Any) -> list[str] | None:
    if value is None:
        return None
    return value if isinstance(value, list) else [value]


@bp.get("/datasets")
@operation(summary="Search the catalog", tag=TAG, query=DatasetQuery, response=SearchResult)
def search_datasets(query: DatasetQuery) -> dict[str, Any]:
    """Full text over titles, descriptions and keywords, with facets; published datasets only."""
    session = get_session()
    filters = search.Filters(
        q=query.q,
        theme=_listify(query.theme),
        publisher=_listify(query.publisher),
        format=_listify(query.format),
        licence=_listify(query.licence),
        grade=_listify(query.grade),
        keyword=_listify(query.keyword),
        sort=query.sort,
    )
    rows, total, facets = search.search(session, filters, query.page, query.per_page)
    return {
        "items": _out(rows),
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
        "facets": {
            name: [{"value": v, "label": search.label(name, v, session), "count": n} for v, n in values]
            for name, values in facets.items()
        },
    }


@bp.get("/datasets/<dataset_id>")
@operation(summary="Get a dataset", tag=TAG, optional_auth=True, response=DatasetOut)
def get_dataset(actor: Actor | None, dataset_id: str) -> dict[str, Any]:
    """A published dataset for anyone; drafts and core-grade ones for their publisher and the operator."""
    return _out([datasets.get_dataset(get_session(), actor, dataset_id)])[0]


@bp.post("/organizations/<org_id>/datasets")
@operation(
    summary="List a new dataset",
    tag=TAG,
    scopes=["catalog:write"],
    body=DatasetCreate,
    response=DatasetOut,
    status=201,
    errors={409},
)
def create_dataset(actor: Actor, org_id: str, body: DatasetCreate) -> dict[str, Any]:
    """Create a draft; its metadata must be DCAT-AP 3.0.1 conformant (422 lists the failing properties)."""
    return _out([datasets.create_dataset(get_session(), actor, org_id, body, _base())])[0]


@bp.get("/organizations/<org_id>/datasets")
@operation(summary="An organisation's datasets", tag=TAG, scopes=["org:read"], response=list[DatasetOut])
def list_org_datasets(actor: Actor, org_id: str) -> list[dict[str, Any]]:
    """Every dataset of the organisation for its members and the operator; published ones for others."""
    return _out(datasets.list_org_datasets(get_session(), actor, org_id))


@bp.patch("/datasets/<dataset_id>")
@operation(
    summary="Edit a dataset",
    tag=TAG,
    scopes=["catalog:write"],
    body=DatasetIn,
    response=DatasetOut,
    errors={409},
)
def update_dataset(actor: Actor, dataset_id: str, body: DatasetIn) -> dict[str, Any]:
    """Change the given fields; lists (keywords, themes, distributions, lineage) are replaced whole."""
    return _out([datasets.update_dataset(get_session(), actor, dataset_id, body, _base())])[0]


def _transition_view(name: str, scopes: list[str], summary: str, doc: str) -> None:
    def view(actor: Actor, dataset_id: str, body: Transition) -> dict[str, Any]:
        dataset = dataset_status.transition(get_session(), actor, dataset_id, name, body.reason, _base())
        return _out([dataset])[0]

    view.__name__ = f"{name}_dataset"
    view.__doc__ = doc
    decorated = operation(
        summary=summary,
        tag=TAG,
        scopes=scopes,
        body=Transition,
        body_optional=True,
        response=DatasetOut,
        errors={409},
    )(view)
    bp.post(f"/datasets/<dataset_id>/{name}")(decorated)


_transition_view(
    "submit",
    ["catalog:write"],
    "Submit a draft",
    "Publish it, or send it to the operator's review when its grade or personal data require one.",
)
_transition_view(
    "approve",
    ["catalog:write", "operator"],
    "Approve a listing",
    "The operator publishes a reviewed listing.",
)
_transition_view(
    "reject",
    ["catalog:write", "operator"],
    "Reject a listing",
    "The operator sends a listing back to draft, saying why.",
)
_transition_view(
    "withdraw",
    ["catalog:write"],
    "Withdraw a dataset",
    "Take it out of the catalog; harvesters see a tombstone.",
)
_transition_view(
    "republish",
    ["catalog:write"],
    "Republish a dataset",
    "Bring a withdrawn dataset back (through review if needed).",
)


class ImportQuery(BaseModel):
    """How to grade what is imported."""

    model_config = {"extra": "forbid"}

    grade: GradeName = "general-1"


@bp.post("/organizations/<org_id>/datasets/import")
@operation(
    summary="Import datasets from RDF",
    tag=TAG,
    scopes=["catalog:write"],
    query=ImportQuery,
    response=list[DatasetOut],
    status=201,
    errors={400},
    raw_body=("text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"),
)
def import_datasets(actor: Actor, org_id: str, query: ImportQuery) -> list[dict[str, Any]]:
    """Create drafts from a DCAT(-AP) document in Turtle, JSON-LD, RDF/XML or N-Triples (the request body).

    Nothing is filled in: records lacking what DCAT-AP requires are refused with what they lack, and then
    nothing is imported.
    """
    created = dataset_import.import_rdf(
        get_session(), actor, org_id, request.get_data(), request.content_type, query.grade, _base()
    )
    return _out(created)


@bp.put("/distributions/<distribution_id>/file")
@operation(
    summary="Upload a distribution's file",
    tag=TAG,
    scopes=["catalog:write"],
    response=DistributionOut,
    errors={413},
    raw_body=("*/*",),
)
def upload_distribution_file(actor: Actor, distribution_id: str) -> Any:
    """Store the request body as the distribution's file; its byte size and SHA-256 are computed by the node.

    Send the bytes as the body with their media type as Content-Type. Consumers get the file through the
    data plane, under an agreement; the upload replaces any earlier file only once it has fully arrived.
    """
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    request.max_content_length = limit
    storage = Storage(Path(current_app.config["STORAGE_PATH"]))
    dist = datasets.store_distribution_file(
        get_session(),
        actor,
        distribution_id,
        request.stream,
        request.mimetype or None,
        storage,
        limit,
        _base(),
    )
    return {**distribution_output(dist)}


@bp.post("/organizations/<org_id>/data-services")
@operation(
    summary="Register a data service",
    tag=TAG,
    scopes=["catalog:write"],
    body=DataServiceIn,
    response=DataServiceOut,
    status=201,
)
def create_data_service(actor: Actor, org_id: str, body: DataServiceIn) -> Any:
    """An API that serves the organisation's datasets; datasets name it in ``data_service_ids``."""
    return data_services.create_data_service(get_session(), actor, org_id, body)


@bp.get("/organizations/<org_id>/data-services")
@operation(summary="An organisation's data services", tag=TAG, response=list[DataServiceOut])
def list_data_services(org_id: str) -> Any:
    """The organisation's data services."""
    return data_services.list_data_services(get_session(), org_id)
