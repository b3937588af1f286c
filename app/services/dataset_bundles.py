"""A dataset with everything that describes it, loaded in a few set-based queries for many datasets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from ..models import (
    DataService,
    Dataset,
    DatasetKeyword,
    DatasetLineage,
    DatasetService,
    DatasetTheme,
    Distribution,
    Organization,
)


@dataclass
class Bundle:
    """One dataset and its related rows."""

    dataset: Dataset
    publisher: Organization
    themes: list[str] = field(default_factory=list)
    keywords: dict[str, list[str]] = field(default_factory=dict)
    distributions: list[Distribution] = field(default_factory=list)
    lineage: list[DatasetLineage] = field(default_factory=list)
    service_ids: list[str] = field(default_factory=list)
    services: list[DataService] = field(default_factory=list)


def load_bundles(session: Session, datasets: Sequence[Dataset]) -> list[Bundle]:
    """Bundles for the datasets, in their order: one query per related table, whatever their number."""
    if not datasets:
        return []
    ids = [d.id for d in datasets]
    orgs = {
        o.id: o
        for o in session.exec(
            select(Organization).where(col(Organization.id).in_({d.org_id for d in datasets}))
        )
    }
    bundles = {d.id: Bundle(d, orgs[d.org_id]) for d in datasets}
    for theme in session.exec(
        select(DatasetTheme).where(col(DatasetTheme.dataset_id).in_(ids)).order_by(col(DatasetTheme.theme))
    ):
        bundles[theme.dataset_id].themes.append(theme.theme)
    keywords: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for kw in session.exec(
        select(DatasetKeyword)
        .where(col(DatasetKeyword.dataset_id).in_(ids))
        .order_by(col(DatasetKeyword.position))
    ):
        keywords[kw.dataset_id][kw.lang].append(kw.keyword)
    for dataset_id, by_lang in keywords.items():
        bundles[dataset_id].keywords = dict(by_lang)
    for dist in session.exec(
        select(Distribution)
        .where(col(Distribution.dataset_id).in_(ids))
        .order_by(col(Distribution.position), col(Distribution.id))
    ):
        bundles[dist.dataset_id].distributions.append(dist)
    for link in session.exec(select(DatasetLineage).where(col(DatasetLineage.dataset_id).in_(ids))):
        bundles[link.dataset_id].lineage.append(link)
    served = list(session.exec(select(DatasetService).where(col(DatasetService.dataset_id).in_(ids))))
    if served:
        services = {
            s.id: s
            for s in session.exec(
                select(DataService).where(col(DataService.id).in_({s.service_id for s in served}))
            )
        }
        for row in served:
            bundles[row.dataset_id].service_ids.append(row.service_id)
            bundles[row.dataset_id].services.append(services[row.service_id])
    return [bundles[i] for i in ids]


def dataset_iri(base_url: str, dataset_id: str) -> str:
    """The dereferenceable IRI of a dataset."""
    return f"{base_url}/dataset/{dataset_id}"


def to_output(bundle: Bundle, base_url: str) -> dict[str, Any]:
    """The API's view of a dataset (the shape of ``DatasetOut``)."""
    d = bundle.dataset
    return {
        "id": d.id,
        "iri": dataset_iri(base_url, d.id),
        "org_id": d.org_id,
        "publisher": bundle.publisher.name,
        "status": d.status,
        "grade": d.grade,
        "personal_info": d.personal_info,
        "identifier": d.identifier,
        "title": dict(d.title),
        "description": dict(d.description),
        "keywords": bundle.keywords,
        "themes": bundle.themes,
        "contact_point": dict(d.contact_point) if d.contact_point else None,
        "licence": d.licence,
        "access_rights": d.access_rights,
        "spatial": list(d.spatial),
        "temporal": {"start": d.temporal_start, "end": d.temporal_end}
        if d.temporal_start or d.temporal_end
        else None,
        "frequency": d.frequency,
        "issued": d.issued,
        "modified": d.modified,
        "conforms_to": list(d.conforms_to),
        "version": d.version,
        "landing_page": d.landing_page,
        "languages": list(d.languages),
        "rights": [dict(r) for r in d.rights],
        "lineage": [{"dataset_id": link.source_id, "weight": link.weight} for link in bundle.lineage],
        "distributions": [distribution_output(dist) for dist in bundle.distributions],
        "data_service_ids": bundle.service_ids,
        "published_at": d.published_at,
        "withdrawn_at": d.withdrawn_at,
        "harvested": {
            "source_id": d.harvest_source_id,
            "source": bundle.publisher.name,
            "remote_iri": d.remote_iri,
            "request_access_at": d.landing_page or d.remote_iri,
        }
        if d.harvest_source_id
        else None,
    }


def distribution_output(dist: Distribution) -> dict[str, Any]:
    return {
        "id": dist.id,
        "title": dict(dist.title),
        "description": dict(dist.description),
        "access_url": dist.access_url,
        "download_url": dist.download_url,
        "format": dist.format,
        "media_type": dist.media_type,
        "byte_size": dist.byte_size,
        "checksum_sha256": dist.checksum_sha256,
        "licence": dist.licence,
        "availability": dist.availability,
        "stored": dist.storage_key is not None,
    }
