"""The catalog and dataset IRIs: DCAT-AP for machines, pages for people, chosen by Accept or by suffix.

``/catalog`` and ``/dataset/<id>`` answer Turtle, JSON-LD, RDF/XML or N-Triples by content negotiation
(Turtle when the client accepts anything) and the HTML page when a browser asks for it;
``/catalog.ttl``, ``/catalog.jsonld``, ``/catalog.rdf``, ``/catalog.nt`` (and the same suffixes on a
dataset) pick the format outright. Feeds are paged with Hydra (``page``, ``per_page``), can be limited
to what changed since a time (``modified_since``), carry an ETag, and list withdrawn datasets as
tombstones (``as:Tombstone``) so harvesters delete their copies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, current_app, request
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from catalog.serialize import Format

from ..db import get_session, streaming
from ..errors import Problem, from_validation_error
from ..models import Dataset, DatasetStatus
from ..services import catalog_feed
from ..services.dataset_records import NodeInfo
from . import bp, catalog_pages

SUFFIXES = {fmt.suffix: fmt for fmt in Format}
_OFFERED = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples", "text/html"]


class FeedParams(BaseModel):
    """Paging and change filters of a feed."""

    model_config = {"extra": "ignore"}

    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(100, ge=1, le=1000)
    modified_since: AwareDatetime | None = None


def negotiated() -> Format | None:
    """The RDF format the client prefers, or None when it prefers a web page."""
    best = request.accept_mimetypes.best_match(_OFFERED, default="text/turtle")
    return None if best == "text/html" else Format.of(best)


def _format_from_suffix(suffix: str) -> Format:
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        raise Problem(
            404, f"no format .{suffix}; use one of {', '.join('.' + s for s in SUFFIXES)}", slug="not-found"
        )
    return fmt


def _params() -> FeedParams:
    try:
        return FeedParams.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise from_validation_error(exc, prefix="query") from exc


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/catalog")
def catalog() -> Any:
    """The catalog: a page for browsers, a DCAT-AP feed for everything else."""
    fmt = negotiated()
    if fmt is None:
        return catalog_pages.catalog_page()
    return _vary(_feed(fmt))


@bp.get("/catalog.<suffix>")
def catalog_as(suffix: str) -> Any:
    """The catalog feed in the format the suffix names."""
    return _feed(_format_from_suffix(suffix))


def _feed(fmt: Format) -> Response:
    params = _params()
    query = catalog_feed.FeedQuery(params.page, params.per_page, params.modified_since)
    session = get_session()
    base = current_app.config["BASE_URL"]
    snap = catalog_feed.snapshot(session)
    tag = catalog_feed.etag(snap, query, fmt, base)
    if tag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{tag}"'})
    page_url = base + request.full_path.rstrip("?")
    node = NodeInfo.from_settings(current_app.config)
    body = streaming(lambda own: catalog_feed.stream_page(own, query, fmt, node, page_url, snap))
    response = Response(body, mimetype=fmt.media_type)
    response.set_etag(tag)
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response


@bp.get("/dataset/<dataset_id>")
def dataset(dataset_id: str) -> Any:
    """A dataset's IRI: its page for browsers, its DCAT-AP description for everything else."""
    fmt = negotiated()
    if fmt is None:
        return catalog_pages.dataset_page(dataset_id)
    return _vary(_dataset_document(dataset_id, fmt))


@bp.get("/dataset/<dataset_id>.<suffix>")
def dataset_as(dataset_id: str, suffix: str) -> Any:
    """A dataset's description in the format the suffix names."""
    return _dataset_document(dataset_id, _format_from_suffix(suffix))


def _dataset_document(dataset_id: str, fmt: Format) -> Response:
    session = get_session()
    row = session.get(Dataset, dataset_id)
    withdrawn = (
        row is not None and row.status == DatasetStatus.WITHDRAWN.value and row.published_at is not None
    )
    if row is None or row.grade == "core" or not (row.status == DatasetStatus.PUBLISHED.value or withdrawn):
        raise Problem(404, f"dataset {dataset_id!r} is not in this catalog", slug="not-found")
    body = catalog_feed.dataset_document(session, row, fmt, current_app.config["BASE_URL"])
    response = Response(body, status=410 if withdrawn else 200, mimetype=fmt.media_type)
    response.set_etag(f"{row.id}-{_stamp(row.updated_at)}-{fmt.suffix}")
    response.make_conditional(request)
    return response


def _stamp(value: datetime) -> str:
    return str(int(value.timestamp() * 1_000_000))
