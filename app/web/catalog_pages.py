"""Pages of the catalog for people: search with facets, a dataset, a publisher.

Everything works without JavaScript: a filter is a link that adds or removes one value, sorting and
paging are GET parameters, so every state of the catalog has its own URL to bookmark and share.
Texts keep their language (``{"en": ..., "zh": ...}``) so pages can mark each with a ``lang`` attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask import Response, current_app, make_response, render_template, request, url_for
from pydantic import AfterValidator, BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from catalog.serialize import Format
from catalog.vocab import CONCEPTS, LICENCES_BY_IRI

from ..db import get_session
from ..errors import Problem, not_found
from ..models import Dataset, DatasetStatus, Organization, OrgStatus
from ..schemas.catalog import GradeName
from ..services import datasets, grading, search
from ..services.actors import Actor
from ..services.dataset_bundles import Bundle, load_bundles, to_output
from . import bp
from .session import current_user, web_actor

PER_PAGE = 20
LANGUAGE_ORDER = ("en", "zh")
FACET_TITLES = {
    "theme": "Theme",
    "publisher": "Publisher",
    "format": "Format",
    "licence": "Licence",
    "grade": "Grade",
    "keyword": "Keyword",
}
SORTS = {"relevance": "Relevance", "title": "Title", "-published": "Newest", "-modified": "Recently modified"}
GRADE_WORDS = {
    "core": "core: never published; registered for the operator only",
    "important": "important: metadata published without samples; aggregate queries only, for domestic "
    "consumers; the provider and the operator approve each request",
    "general-4": "general-4: sensitive data such as biometrics or sensitive personal information; "
    "aggregate queries only; the provider approves each request",
    "general-3": "general-3: identity numbers, financial records; API access with field masking, "
    "or aggregate queries; the provider approves each request",
    "general-2": "general-2: non-public business data; download or API under a signed contract",
    "general-1": "general-1: public information, open data; download or API",
}
PERSONAL_WORDS = {
    "none": "No personal information",
    "personal": "Contains personal information",
    "sensitive": "Contains sensitive personal information (graded general-4 or stricter)",
}
RIGHT_WORDS = {
    "holding": "Holds the data resource",
    "processing": "Processing and use",
    "operation": "Product operation",
}
DELIVERY_WORDS = {"download": "download", "records": "record API", "aggregate": "aggregate queries"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def _printable(value: str) -> str:
    """Refuse control characters, which no search needs and some databases reject."""
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value.strip()


Value = Annotated[str, Field(max_length=500), AfterValidator(_printable)]
Values = Annotated[list[Value], Field(max_length=50)]


class CatalogQuery(BaseModel):
    """The catalog's query string: what to search, filter, sort and which page."""

    model_config = {"extra": "ignore"}

    q: Annotated[str, Field(max_length=200), AfterValidator(_printable)] | None = None
    theme: Values = Field(default_factory=list)
    publisher: Values = Field(default_factory=list)
    format: Values = Field(default_factory=list)
    licence: Values = Field(default_factory=list)
    grade: Annotated[list[GradeName], Field(max_length=10)] = Field(default_factory=list)
    keyword: Values = Field(default_factory=list)
    sort: Literal["relevance", "title", "-published", "-modified", "published", "modified"] = "relevance"
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=PER_PAGE, ge=1, le=100)


_DEFAULTS = CatalogQuery()


@dataclass(frozen=True)
class Option:
    """One value of a facet, with its count and the link that adds or removes it."""

    facet: str
    value: str
    label: str
    count: int
    selected: bool
    url: str
    lang: str | None


@dataclass(frozen=True)
class Facet:
    """A facet the results can be narrowed by."""

    name: str
    title: str
    options: list[Option]


@dataclass(frozen=True)
class PageLink:
    """A link of the pager; a gap in the numbers has no number."""

    number: int | None
    url: str | None
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """Previous, next and numbered links to the pages of the results."""

    page: int
    last: int
    previous: str | None
    next: str | None
    links: list[PageLink]


@dataclass(frozen=True)
class Input:
    """A dataset this one is derived from, with its share of the contribution."""

    dataset_id: str
    title: dict[str, str] | None
    weight: int
    share: str


# ---------------------------------------------------------------------------------------------------------
# Views


def catalog_page() -> Any:
    """The catalog home: search, facets, sorting, paging and the results, all as plain GET links."""
    session = get_session()
    query = _query()
    filters = _filters(query)
    rows, total, counts = search.search(session, filters, query.page, query.per_page)
    last = max(1, -(-total // query.per_page))
    context: dict[str, Any] = {
        "query": query,
        "results": cards(session, rows),
        "total": total,
        "first": (query.page - 1) * query.per_page + 1,
        "facets": _facets(session, query, filters, counts),
        "chips": _chips(session, query),
        "sorts": [(label, _catalog_url(query, sort=key), key == query.sort) for key, label in SORTS.items()],
        "pager": _pager(query, last),
        "feeds": _feed_links("web.catalog_as"),
        "clear_url": url_for("web.catalog", q=query.q),
    }
    return _negotiated(_render("catalog/index.html", **context))


def dataset_page(dataset_id: str) -> Any:
    """One dataset: metadata, distributions, offers, links to its RDF forms; drafts only for their owners."""
    session = get_session()
    row = session.get(Dataset, dataset_id)
    if row is not None and _withdrawn_from_catalog(row):
        bundle = load_bundles(session, [row])[0]
        page = _render("catalog/withdrawn.html", 410, dataset=to_output(bundle, _base()))
        return _negotiated(page)
    actor = _viewer(session)
    row = datasets.get_dataset(session, actor, dataset_id)
    bundle = load_bundles(session, [row])[0]
    public = row.status == DatasetStatus.PUBLISHED.value and grading.listable(row.grade)
    context: dict[str, Any] = {
        "dataset": _card(bundle),
        "public": public,
        "inputs": _inputs(session, actor, bundle),
        "delivery": [DELIVERY_WORDS[m] for m in DELIVERY_WORDS if m in grading.DELIVERY[row.grade]],
        "approval": "the provider and the operator agree"
        if row.grade == "important"
        else "the provider agrees",
        "feeds": _feed_links("web.dataset_as", dataset_id=row.id) if public else [],
    }
    return _negotiated(_render("catalog/dataset.html", **context))


@bp.get("/publisher/<org_id>")
def publisher_page(org_id: str) -> Any:
    """An organisation on this node and the datasets it publishes (never its drafts, whoever asks)."""
    session = get_session()
    org = session.get(Organization, org_id)
    if org is None or org.status != OrgStatus.ACTIVE.value:
        raise not_found("organization", org_id)
    rows = datasets.list_org_datasets(session, Actor(org_id=None, org_kind=None), org.id)
    return _render("catalog/publisher.html", org=org, datasets=cards(session, rows))


def newest(session: Session, limit: int = 6) -> list[dict[str, Any]]:
    """The most recently published datasets, for the front page."""
    rows, _, _ = search.search(session, search.Filters(sort="-published"), 1, limit)
    return cards(session, rows)


def cards(session: Session, rows: list[Dataset]) -> list[dict[str, Any]]:
    """Datasets as pages show them: the API's view plus their distinct formats."""
    return [_card(bundle) for bundle in load_bundles(session, rows)]


# ---------------------------------------------------------------------------------------------------------
# The query string


def _query() -> CatalogQuery:
    """The validated query string; empty values count as absent, bad ones are a 400 naming them."""
    args = request.args
    data: dict[str, Any] = {name: [v for v in args.getlist(name) if v] for name in search.FACETS}
    data.update({name: args[name] for name in ("q", "sort", "page", "per_page") if args.get(name)})
    try:
        return CatalogQuery.model_validate(data)
    except ValidationError as exc:
        raise _bad_parameters(exc) from exc


def _bad_parameters(exc: ValidationError) -> Problem:
    """A 400 that names each refused query parameter and why, for the error page to list."""
    errors = [{"field": str(e["loc"][0]), "reason": e["msg"]} for e in exc.errors(include_url=False)]
    names = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return Problem(
        400,
        f"invalid query parameter {names}: {errors[0]['reason']}",
        slug="invalid-input",
        title="Invalid query parameter",
        errors=errors,
    )


def _filters(query: CatalogQuery) -> search.Filters:
    """The search service's filters for the query (an empty list means no filter)."""
    facets = {name: getattr(query, name) or None for name in search.FACETS}
    return search.Filters(q=query.q or None, sort=query.sort, **facets)


def _catalog_url(query: CatalogQuery, **changes: Any) -> str:
    """The catalog with the current query changed as given, back on page 1 unless a page is given."""
    params = {**query.model_dump(exclude={"page"}), **changes}
    defaults = _DEFAULTS.model_dump()
    return url_for("web.catalog", **{k: v for k, v in params.items() if v not in (None, "", defaults[k])})


def _toggled(query: CatalogQuery, name: str, value: str) -> str:
    """The catalog with one facet value added, or removed when it is already chosen."""
    chosen: list[str] = getattr(query, name)
    values = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    return _catalog_url(query, **{name: values})


# ---------------------------------------------------------------------------------------------------------
# Facets, chips and pages


def _facets(
    session: Session, query: CatalogQuery, filters: search.Filters, counts: dict[str, list[tuple[str, int]]]
) -> list[Facet]:
    """Each facet with its values; a facet in use counts as if it were not, so more values can be added."""
    facets = []
    for name in search.FACETS:
        values = counts.get(name, [])
        if getattr(filters, name):
            _, _, others = search.search(session, replace(filters, **{name: None}, sort="title"), 1, 1)
            values = others[name]
        chosen: list[str] = getattr(query, name)
        seen = {v for v, _ in values}
        values = [*values, *((v, 0) for v in chosen if v not in seen)]
        options = [_option(session, query, name, v, n) for v, n in values]
        facets.append(Facet(name, FACET_TITLES[name], options))
    return facets


def _option(session: Session, query: CatalogQuery, name: str, value: str, count: int) -> Option:
    """One facet value ready to show."""
    return Option(
        facet=name,
        value=value,
        label=concept_label(value) if name == "licence" else search.label(name, value, session),
        count=count,
        selected=value in getattr(query, name),
        url=_toggled(query, name, value),
        lang=_lang_of(value) if name == "keyword" else None,
    )


def _chips(session: Session, query: CatalogQuery) -> list[Option]:
    """The filters in use, each with a link that removes it."""
    return [
        _option(session, query, name, value, 0) for name in search.FACETS for value in getattr(query, name)
    ]


def _pager(query: CatalogQuery, last: int) -> Pager:
    """Links to the previous, next and nearby pages."""
    page = query.page
    links = [
        PageLink(n, _catalog_url(query, page=n) if n else None, n == page) for n in _page_numbers(page, last)
    ]
    return Pager(
        page=page,
        last=last,
        previous=_catalog_url(query, page=min(page, last + 1) - 1) if page > 1 else None,
        next=_catalog_url(query, page=page + 1) if page < last else None,
        links=links,
    )


def _page_numbers(current: int, last: int) -> list[int | None]:
    """The first, the last and two pages either side of the current one; None marks a gap."""
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    numbers: list[int | None] = []
    for previous, n in zip([0, *shown], shown, strict=False):
        if n - previous > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


def _feed_links(endpoint: str, **values: Any) -> list[tuple[str, str, str]]:
    """(label, media type, URL) of the RDF forms of a page."""
    names = {"ttl": "Turtle", "jsonld": "JSON-LD", "rdf": "RDF/XML", "nt": "N-Triples"}
    return [(names[f.suffix], f.media_type, url_for(endpoint, suffix=f.suffix, **values)) for f in Format]


# ---------------------------------------------------------------------------------------------------------
# Datasets


def _card(bundle: Bundle) -> dict[str, Any]:
    """A dataset as the API shows it, plus its distinct formats."""
    item = to_output(bundle, _base())
    item["formats"] = list(dict.fromkeys(d.format for d in bundle.distributions if d.format))
    return item


def _withdrawn_from_catalog(row: Dataset) -> bool:
    """A dataset that was public and has been withdrawn: its IRI answers 410 Gone."""
    return (
        row.status == DatasetStatus.WITHDRAWN.value
        and row.published_at is not None
        and grading.listable(row.grade)
    )


def _viewer(session: Session) -> Actor | None:
    """The logged-in user as an actor, so publishers and the operator can preview what is not public."""
    user = current_user()
    if user is None:
        return None
    org = session.get(Organization, user.org_id)
    if org is None:
        return None
    return web_actor(user, org)


def _inputs(session: Session, actor: Actor | None, bundle: Bundle) -> list[Input]:
    """The datasets this one is derived from, titled when the viewer may see them."""
    if not bundle.lineage:
        return []
    ids = [link.source_id for link in bundle.lineage]
    sources = {d.id: d for d in session.exec(select(Dataset).where(col(Dataset.id).in_(ids)))}
    total = sum(link.weight for link in bundle.lineage)
    inputs = []
    for link in bundle.lineage:
        source = sources.get(link.source_id)
        title = dict(source.title) if source is not None and datasets.visible(source, actor) else None
        share = f"{100 * link.weight / total:.0f} %"
        inputs.append(Input(link.source_id, title, link.weight, share))
    return inputs


# ---------------------------------------------------------------------------------------------------------
# Rendering


def _render(template: str, status: int = 200, **context: Any) -> Response:
    """A rendered page as a response."""
    return make_response(render_template(template, **context), status)


def _negotiated(response: Response) -> Response:
    """Mark a page that shares its URL with the RDF forms, so caches keep them apart."""
    response.vary.add("Accept")
    return response


def _base() -> str:
    return str(current_app.config["BASE_URL"])


def _lang_of(text: str) -> str | None:
    """The language of a keyword whose language is not recorded: Chinese when it has Han characters."""
    return "zh" if _CJK.search(text) else None


@bp.app_template_filter("languages")
def languages(texts: dict[str, str] | None) -> list[tuple[str, str]]:
    """A language map as (tag, text) pairs: English first, then Chinese, then the rest."""
    order = {tag: i for i, tag in enumerate(LANGUAGE_ORDER)}
    return sorted((texts or {}).items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


@bp.app_template_filter("concept")
def concept_label(iri: str | None) -> str:
    """The English label of a vocabulary IRI (licence, theme, frequency...), or the IRI's last part."""
    if not iri:
        return ""
    known = CONCEPTS.get(iri) or LICENCES_BY_IRI.get(iri)
    return known.label if known else iri.rstrip("/").rsplit("/", 1)[-1]


@bp.app_template_filter("human_size")
def human_size(size: int | None) -> str:
    """A byte count in binary units, as people read sizes."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    value, unit = float(size), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{value:.1f} {_UNITS[unit]}"


@bp.app_template_filter("day")
def day(value: datetime | date | None) -> str:
    """A date as ISO 8601 (YYYY-MM-DD)."""
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


@bp.app_template_global("grade_words")
def grade_words(grade: str) -> str:
    """A grade explained in words, after the grade table of the design."""
    return GRADE_WORDS.get(grade, grade)


@bp.app_template_global("personal_words")
def personal_words(flag: str) -> str:
    """The personal-information flag in words."""
    return PERSONAL_WORDS.get(flag, flag)


@bp.app_template_global("right_words")
def right_words(right: str) -> str:
    """A separated right in words."""
    return RIGHT_WORDS.get(right, right)
