"""Datasets as the catalog library's records: what the feeds, the validator and the harvesters see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from catalog.records import (
    Agent,
    CatalogRecord,
    Checksum,
    ContactPoint,
    DataServiceRecord,
    DatasetRecord,
    DistributionRecord,
    LangText,
    PeriodOfTime,
    Tombstone,
)
from catalog.vocab import COUNTRIES, LANGUAGES, PUBLISHER_TYPES

from ..models import DataService, Dataset, DatasetStatus, Distribution, Organization
from .dataset_bundles import Bundle, dataset_iri


def texts(values: dict[str, str]) -> tuple[LangText, ...]:
    """Language-tagged literals from a ``{lang: text}`` map, in a stable order."""
    return tuple(LangText(text, lang) for lang, text in sorted(values.items()))


def publisher_agent(org: Organization, base_url: str) -> Agent:
    """The publisher of an organisation's datasets."""
    kind = PUBLISHER_TYPES[org.publisher_type].iri if org.publisher_type in PUBLISHER_TYPES else None
    return Agent(iri=f"{base_url}/publisher/{org.id}", names=(LangText(org.name, None),), type=kind)


def service_record(service: DataService, base_url: str) -> DataServiceRecord:
    """A data service of a provider."""
    return DataServiceRecord(
        iri=f"{base_url}/data-service/{service.id}",
        titles=texts(service.title),
        descriptions=texts(service.description),
        endpoint_url=service.endpoint_url,
        endpoint_description=service.endpoint_description,
        licence=service.licence,
    )


def distribution_record(
    dist: Distribution, base_url: str, services: tuple[DataServiceRecord, ...] = ()
) -> DistributionRecord:
    """A distribution; stored files are reached through the node's data plane."""
    access = dist.access_url or f"{base_url}/data/distributions/{dist.id}"
    return DistributionRecord(
        iri=f"{base_url}/distribution/{dist.id}",
        access_url=access,
        titles=texts(dist.title),
        descriptions=texts(dist.description),
        download_url=dist.download_url,
        format=dist.format,
        media_type=dist.media_type,
        byte_size=dist.byte_size,
        checksum=Checksum(dist.checksum_sha256) if dist.checksum_sha256 else None,
        licence=dist.licence,
        availability=dist.availability,
        access_services=services,
        modified=dist.modified,
    )


def dataset_record(bundle: Bundle, base_url: str) -> DatasetRecord:
    """The DCAT-AP record of a dataset."""
    d = bundle.dataset
    contact = d.contact_point or {}
    contacts = (
        (ContactPoint(fn=contact.get("name"), email=contact.get("email"), url=contact.get("url")),)
        if contact
        else ()
    )
    temporal = (PeriodOfTime(d.temporal_start, d.temporal_end),) if d.temporal_start or d.temporal_end else ()
    keywords = tuple(
        LangText(word, lang) for lang, words in sorted(bundle.keywords.items()) for word in words
    )
    return DatasetRecord(
        iri=dataset_iri(base_url, d.id),
        titles=texts(d.title),
        descriptions=texts(d.description),
        identifier=d.identifier or d.id,
        keywords=keywords,
        themes=tuple(bundle.themes),
        publisher=publisher_agent(bundle.publisher, base_url),
        contact_points=contacts,
        licence=d.licence,
        access_rights=d.access_rights,
        spatial=tuple(d.spatial),
        temporal=temporal,
        frequency=d.frequency,
        issued=d.issued,
        modified=d.modified,
        conforms_to=tuple(d.conforms_to),
        version=d.version,
        landing_page=d.landing_page or f"{base_url}/dataset/{d.id}",
        languages=tuple(d.languages),
        source=d.remote_iri,  # a harvested dataset names the original it was copied from
        distributions=tuple(
            distribution_record(dist, base_url, tuple(service_record(s, base_url) for s in bundle.services))
            for dist in bundle.distributions
        ),
    )


def feed_item(bundle: Bundle, base_url: str) -> DatasetRecord | Tombstone:
    """A published dataset, or the tombstone of a withdrawn one."""
    d = bundle.dataset
    if d.status == DatasetStatus.WITHDRAWN.value:
        assert d.withdrawn_at is not None
        return Tombstone(dataset_iri(base_url, d.id), d.withdrawn_at)
    return dataset_record(bundle, base_url)


METADATA_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC0"
DCAT_AP_3 = "https://semiceu.github.io/DCAT-AP/releases/3.0.1/"


@dataclass(frozen=True)
class NodeInfo:
    """What a catalog says about the node that publishes it."""

    base_url: str
    name: str
    languages: tuple[str, ...] = ()
    spatial: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> NodeInfo:
        """Read the node's settings: base URL, name, catalog languages and spatial coverage."""
        return cls(
            base_url=str(settings["BASE_URL"]),
            name=str(settings["NODE_NAME"]),
            languages=tuple(str(settings.get("CATALOG_LANGUAGES", "")).split()),
            spatial=tuple(str(settings.get("CATALOG_SPATIAL", "")).split()),
        )


def catalog_record(
    node: NodeInfo,
    operator: Organization | None,
    issued: datetime | None = None,
    modified: datetime | None = None,
    themes: tuple[str, ...] = (),
) -> CatalogRecord:
    """The header of the node's catalog, with the node's own catalog service; its metadata is CC0."""
    base_url, node_name = node.base_url, node.name
    publisher = (
        publisher_agent(operator, base_url)
        if operator
        else Agent(iri=f"{base_url}/publisher/node", names=(LangText(node_name, None),))
    )
    contact = ContactPoint(
        fn=operator.name if operator else node_name,
        email=operator.email if operator and operator.email else None,
        url=f"{base_url}/",
    )
    service = DataServiceRecord(
        iri=f"{base_url}/catalog#service",
        titles=(LangText(f"{node_name} catalog service", "en"),),
        endpoint_url=f"{base_url}/catalog",
        endpoint_description=f"{base_url}/openapi.json",
        licence=METADATA_LICENCE,
        publisher=publisher,
        contact_points=(contact,),
        conforms_to=(DCAT_AP_3,),
        keywords=(LangText("data catalogue", "en"), LangText("DCAT-AP", "en"), LangText("数据目录", "zh")),
        themes=themes,
    )
    return CatalogRecord(
        iri=f"{base_url}/catalog",
        titles=(LangText(f"{node_name} data catalog", "en"), LangText(f"{node_name} 数据目录", "zh")),
        descriptions=(
            LangText("Datasets published on this data-exchange node, as DCAT-AP 3.", "en"),
            LangText("本数据交易节点发布的数据集 (DCAT-AP 3)。", "zh"),
        ),
        publisher=publisher,
        homepage=f"{base_url}/",
        languages=tuple(LANGUAGES[code].iri for code in node.languages if code in LANGUAGES),
        spatial=tuple(COUNTRIES[code].iri for code in node.spatial if code in COUNTRIES),
        licence=METADATA_LICENCE,
        issued=issued,
        modified=modified,
        service=service,
    )


def unlisted(dataset: Dataset) -> bool:
    """True for datasets that never leave the node (core grade)."""
    return dataset.grade == "core"
