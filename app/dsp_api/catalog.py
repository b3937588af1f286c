"""The DSP catalog: the node's published datasets that have active offers, each offer an ODRL Offer.

The catalog is public. It holds no filter language, so a request with `filter` is refused (400, as
the binding asks). It pages with `?page=` and `?per_page=` (default 50, at most 100) and `Link`
headers (`rel="next"`, `rel="previous"`) on the same URL. Each DCAT distribution becomes a DSP
distribution whose format is its media type, served by the node's DSP endpoint.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request

from dsp import CatalogRequest, MessageError, catalog_document, catalog_offer, dataset_document

from ..db import get_session
from ..errors import Problem, not_found
from ..oauth.resource import authenticate, bearer_token
from ..services import offers
from ..services.dataset_bundles import Bundle, dataset_iri
from .wire import BASE_PATH, catalog_refusal, dsp_json, read_message, service_id

if TYPE_CHECKING:
    from ..models import Offer

log = logging.getLogger(__name__)

bp = Blueprint("dsp_catalog", __name__, url_prefix=f"{BASE_PATH}/catalog")

PER_PAGE, MAX_PER_PAGE = 50, 100
NO_FILE_FORMAT = "HttpData-PULL"  # a dataset without files is pulled through the node's data plane


@bp.errorhandler(Problem)
def _refused(problem: Problem) -> Response:
    return catalog_refusal(problem)


@bp.post("/request")
def catalog_request() -> Response:
    """The Catalog: one page of offered datasets, with `Link` headers to the neighbouring pages."""
    _check_token()
    message = read_message("CatalogRequestMessage")
    assert isinstance(message, CatalogRequest)
    if message.filters:
        raise Problem(
            400, "this catalog supports no filter expressions; omit `filter`", slug="unsupported-filter"
        )
    page, per_page = _paging()
    rows = offers.offered_datasets(get_session(), offset=(page - 1) * per_page, limit=per_page + 1)
    base_url = current_app.config["BASE_URL"]
    datasets = [d for d in (_dataset(bundle, found, base_url) for bundle, found in rows[:per_page]) if d]
    document = catalog_document(
        catalog_id=f"{base_url}/catalog",
        participant_id=base_url,
        title=current_app.config["NODE_NAME"],
        services=[{"id": service_id(base_url), "endpoint_url": service_id(base_url)}],
        datasets=datasets,
    )
    links = []
    if page > 1:
        links.append(f'<{_page_url(page - 1, per_page)}>; rel="previous"')
    if len(rows) > per_page:
        links.append(f'<{_page_url(page + 1, per_page)}>; rel="next"')
    return dsp_json(document, headers={"Link": ", ".join(links)} if links else None)


@bp.get("/datasets/<path:dataset_id>")
def get_dataset(dataset_id: str) -> Response:
    """One offered dataset by its id or its IRI; 404 when it is unknown, unpublished or not offered."""
    _check_token()
    base_url = current_app.config["BASE_URL"]
    local_id = _local_id(dataset_id)
    rows = offers.offered_datasets(get_session(), dataset_id=local_id) if local_id else []
    dataset = _dataset(*rows[0], base_url) if rows else None
    if dataset is None:
        raise not_found("dataset", dataset_id)
    return dsp_json(dataset_document(dataset))


def _check_token() -> None:
    """The catalog is public, but a token that is sent must be valid."""
    if bearer_token():
        authenticate("api")


def _paging() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", PER_PAGE))
    except ValueError:
        raise Problem(400, "page and per_page are whole numbers", slug="invalid-input") from None
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise Problem(400, f"page starts at 1; per_page is 1 to {MAX_PER_PAGE}", slug="invalid-input")
    return page, per_page


def _page_url(page: int, per_page: int) -> str:
    query = {"page": page, **({"per_page": per_page} if per_page != PER_PAGE else {})}
    return f"{current_app.config['BASE_URL']}{request.path}?{urlencode(query)}"


def _local_id(requested: str) -> str | None:
    """A dataset's id from its id or its IRI (`<base>/dataset/<id>`, however its slashes arrived)."""
    if "/" not in requested:
        return requested
    head, _, tail = requested.rpartition("/")
    return tail if head.endswith("/dataset") and tail else None


def _dataset(bundle: Bundle, found: list[Offer], base_url: str) -> dict[str, Any] | None:
    """The dataset as `dsp.catalog_document` takes it; None when none of its offers can be said in DSP."""
    d = bundle.dataset
    iri = dataset_iri(base_url, d.id)
    policies = [offer.policy for offer in found if _expressible(offer, iri)]
    if not policies:
        return None
    distributions = [
        {
            "id": f"{base_url}/distribution/{dist.id}",
            "format": dist.media_type or _short(dist.format) or "application/octet-stream",
            "title": _text(dist.title),
            "access_service": service_id(base_url),
        }
        for dist in bundle.distributions
    ] or [{"format": NO_FILE_FORMAT, "access_service": service_id(base_url)}]
    keywords = list(dict.fromkeys(word for words in bundle.keywords.values() for word in words))
    return {
        "id": iri,
        "title": _text(d.title),
        "description": _text(d.description),
        "keywords": keywords,
        "distributions": distributions,
        "offers": policies,
    }


def _expressible(offer: Offer, iri: str) -> bool:
    try:
        catalog_offer(offer.policy, iri)
    except MessageError as error:
        log.warning("offer %s is left out of the DSP catalog: %s", offer.id, error)
        return False
    return True


def _text(values: dict[str, str]) -> str | None:
    return values.get("en") or next(iter(values.values()), None)


def _short(value: str | None) -> str | None:
    """A format IRI's last segment, e.g. CSV."""
    return value.rsplit("/", 1)[-1] if value else None
