"""The public catalog as DCAT-AP feeds: pages in a stable order, tombstones, ETags, streamed output.

Feed order is ``(feed_at, id)``: a dataset takes its place when it is published and a tombstone takes
its place when it is withdrawn, so new entries only ever append, and a harvester paging through the
feed while providers publish sees every dataset exactly once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from catalog.records import CatalogRecord, HydraView
from catalog.serialize import Format, hydra_view, serialize_catalog, serialize_dataset

from ..models import Dataset, DatasetTheme, Organization, OrgKind
from . import renderings
from .dataset_bundles import load_bundles
from .dataset_records import NodeInfo, catalog_record, feed_item

CHUNK = 250  # datasets loaded per query while streaming a page


@dataclass(frozen=True)
class FeedQuery:
    """Which page of the feed, in which format, changed since when."""

    page: int = 1
    per_page: int = 100
    modified_since: datetime | None = None


def _in_feed(since: datetime | None) -> list[ColumnElement[bool]]:
    """The feed's entries: datasets with a place in it. ``feed_at`` is set when a dataset is published or
    withdrawn and cleared when it leaves the feed (back to review or draft; core data never gets one),
    so the ordered index on ``(feed_at, id)`` alone serves the filter and the paging order."""
    conditions: list[ColumnElement[bool]] = [col(Dataset.feed_at).is_not(None)]
    if since is not None:
        conditions.append(or_(col(Dataset.updated_at) >= since, col(Dataset.feed_at) >= since))
    return conditions


@dataclass(frozen=True)
class Snapshot:
    """What the catalog looks like now, in two index-backed aggregates: it changes with any change to it."""

    datasets: int
    latest: datetime | None
    org_latest: datetime | None


def snapshot(session: Session) -> Snapshot:
    """The catalog's current state, for validators and caches."""
    count, latest = session.exec(select(func.count(), func.max(Dataset.updated_at))).one()  # type: ignore[call-overload]
    org_latest = session.exec(select(func.max(Organization.updated_at))).one()
    return Snapshot(int(count), latest, org_latest)


def etag(snap: Snapshot, query: FeedQuery, fmt: Format, base_url: str) -> str:
    """A validator that changes whenever anything in the requested page could have changed."""
    key = f"{snap}|{query}|{fmt.name}|{base_url}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


# Totals and catalog headers cost a scan of the catalog; they are kept per snapshot, so they are
# computed again only after something changed (each worker keeps its own few entries).
_TOTALS: dict[tuple[Snapshot, datetime | None], int] = {}
_HEADERS: dict[tuple[Snapshot, NodeInfo], CatalogRecord] = {}
_CACHE_SIZE = 64


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def total(session: Session, query: FeedQuery, snap: Snapshot | None = None) -> int:
    """How many entries (datasets and tombstones) the feed has."""
    key = (snap or snapshot(session), query.modified_since)
    if key in _TOTALS:
        return _TOTALS[key]
    statement = select(func.count()).select_from(Dataset).where(*_in_feed(query.modified_since))
    return int(_remember(_TOTALS, key, int(session.exec(statement).one())))


def page_ids(session: Session, query: FeedQuery) -> list[str]:
    """The ids on one page, in feed order."""
    statement = (
        select(Dataset.id)
        .where(*_in_feed(query.modified_since))
        .order_by(col(Dataset.feed_at), col(Dataset.id))
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    )
    return list(session.exec(statement))


def stream_page(
    session: Session,
    query: FeedQuery,
    fmt: Format,
    node: NodeInfo,
    page_url: str,
    snap: Snapshot | None = None,
) -> Iterator[bytes]:
    """Serialise one page of the catalog, loading its datasets a chunk at a time."""
    snap = snap or snapshot(session)
    view = hydra_view(page_url, query.page, query.per_page, total(session, query, snap))
    ids = page_ids(session, query)
    return serialize_catalog(
        _header(session, node, snap), renderings.fragments(session, ids, fmt, node.base_url), fmt, view=view
    )


def _header(session: Session, node: NodeInfo, snap: Snapshot) -> CatalogRecord:
    """The catalog's own description: publisher, dates, themes, service."""
    if (snap, node) in _HEADERS:
        return _HEADERS[(snap, node)]
    operator = session.exec(select(Organization).where(Organization.kind == OrgKind.OPERATOR.value)).first()
    issued, modified = session.exec(
        select(func.min(Dataset.published_at), func.max(Dataset.updated_at)).where(*_in_feed(None))  # type: ignore[call-overload]
    ).one()
    themes = session.exec(
        select(DatasetTheme.theme)
        .distinct()
        .join(Dataset, col(Dataset.id) == col(DatasetTheme.dataset_id))
        .where(*_in_feed(None))
        .order_by(col(DatasetTheme.theme))
    ).all()
    return _remember(_HEADERS, (snap, node), catalog_record(node, operator, issued, modified, tuple(themes)))


def stream_all(session: Session, fmt: Format, node: NodeInfo) -> Iterator[bytes]:
    """The whole catalog as one document, without paging (exports, mirrors)."""
    ids = list(
        session.exec(
            select(Dataset.id).where(*_in_feed(None)).order_by(col(Dataset.feed_at), col(Dataset.id))
        )
    )
    header = _header(session, node, snapshot(session))
    return serialize_catalog(header, renderings.fragments(session, ids, fmt, node.base_url), fmt)


def dataset_document(session: Session, dataset: Dataset, fmt: Format, base_url: str) -> bytes:
    """One dataset (or its tombstone) as a complete RDF document."""
    return serialize_dataset(feed_item(load_bundles(session, [dataset])[0], base_url), fmt)


def view_for(page_url: str, query: FeedQuery, count: int) -> HydraView:
    """The Hydra view of a page (exposed for the HTML page's paging links)."""
    return hydra_view(page_url, query.page, query.per_page, count)
